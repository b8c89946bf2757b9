//! Tideline's sync protocol.
//!
//! - [`protocol`]: the JSON shapes of every request and response between the console and
//!   the server (`tideline serve`), shared so that neither side writes them twice.
//! - [`decide`]: how the server settles a pushed mutation against the current state:
//!   applied, transformed (with the reason in plain words) or rejected (likewise). Pure:
//!   the server loads state, calls it, and stores what it returns.
//! - [`client`] (feature `client`): the console's sync engine: pushes the local outbox,
//!   pulls the change log into the cache, and listens for pokes and presence.

#[cfg(feature = "client")]
pub mod client;
pub mod decide;
pub mod protocol;
