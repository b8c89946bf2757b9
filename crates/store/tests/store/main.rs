//! Integration tests of the local cache: one test binary, one file per area.

mod fixture;
mod kill;
mod link;
mod mutations;
mod open;
mod plans;
mod queue;
mod search;
mod sync;
mod timeline;
