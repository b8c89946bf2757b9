//! The server's business: sessions, pushes, pulls, identity links, scope, users,
//! reference data, live fan-out and the demo seed. Functions take a pool or a
//! transaction, never the HTTP state, and return [`crate::ServerError`].

pub mod auth;
pub mod channel_admin;
pub mod links;
pub mod live;
pub mod pull;
pub mod push;
pub mod reference;
pub mod scope;
pub mod seed;
pub mod session;
pub mod throttle;
pub mod user;
pub mod users;
