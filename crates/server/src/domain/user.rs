//! The signed-in user: a plain domain type. Its extractor lives in `http::extract`, so
//! nothing below the HTTP layer knows about requests.

use tideline_sync::protocol::{Role, UserInfo};

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub tenant: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub queues: Vec<String>,
    /// The hash of the token the request came with (to revoke it on sign-out).
    pub token_hash: Vec<u8>,
}

impl User {
    pub fn info(&self) -> UserInfo {
        UserInfo {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            queues: self.queues.clone(),
        }
    }
}
