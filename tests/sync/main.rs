//! Sync end to end, with real parts only: a throwaway PostgreSQL cluster for this test
//! run, the real server (in-process, or the `tideline` binary where it must be killed),
//! real HTTP and WebSocket on 127.0.0.1, and real SQLite caches driven by the console's
//! sync engine.

mod harness;

mod conflict;
mod crash;
mod instances;
mod intake;
mod writers;
