//! Channel configs for webhook handlers, kept for [`TTL`], so a busy webhook costs no
//! lookup per request. `tideline channel add/remove` runs in another process, so a
//! change reaches a running server within that time: a removed channel's webhooks are
//! refused at most [`TTL`] later.

use crate::db::channels::{self, ChannelConfig};
use crate::error::ServerError;
use deadpool_postgres::Pool;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const TTL: Duration = Duration::from_secs(1);
/// Names kept at most (unknown names are kept too, so probing costs no lookups).
const MAX_ENTRIES: usize = 1024;

/// (tenant, name) → when it was read, and what (`None`: no such channel).
type Entries = HashMap<(String, String), (Instant, Option<ChannelConfig>)>;

#[derive(Default)]
pub struct ChannelCache {
    entries: Mutex<Entries>,
}

impl ChannelCache {
    pub async fn get(&self, pool: &Pool, tenant: &str, name: &str) -> Result<Option<ChannelConfig>, ServerError> {
        let key = (tenant.to_string(), name.to_string());
        if let Some((at, cfg)) = self.entries.lock().unwrap_or_else(|p| p.into_inner()).get(&key)
            && at.elapsed() < TTL
        {
            return Ok(cfg.clone());
        }
        let client = pool.get().await?;
        let cfg = channels::get(&**client, tenant, name).await?;
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), cfg.clone()));
        Ok(cfg)
    }
}
