//! Customers: one person or organisation and every identity they reach us by.

use crate::identity::Identity;
use crate::ids::CustomerId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub identities: Vec<Identity>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: Timestamp,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CustomerError {
    #[error("a customer needs a name")]
    EmptyName,
    #[error("a customer name is at most 200 characters")]
    NameTooLong,
}

/// A customer's display name, trimmed and checked.
pub fn customer_name(raw: &str) -> Result<String, CustomerError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(CustomerError::EmptyName);
    }
    if t.chars().count() > 200 {
        return Err(CustomerError::NameTooLong);
    }
    Ok(t.to_string())
}
