//! The server against a real PostgreSQL (one throwaway cluster per run of this binary,
//! one database per test) over real HTTP and WebSockets on 127.0.0.1.

mod harness;

mod auth;
mod bad_requests;
mod links;
mod live;
mod never_skip;
mod push;
mod rights;
mod tidy;
