//! Adding and removing channels, with their routing rules, in one audited transaction.

use crate::db::audit::{self, Subject};
use crate::db::channels::{self, ChannelConfig, ChannelKind};
use crate::db::config;
use crate::error::ServerError;
use tideline_core::intake::RoutingRule;
use tideline_core::{Channel, Priority};
use tokio_postgres::Client;

/// The core channels a configured channel's contacts arrive on (a website sends forms
/// and chats).
pub fn routed_channels(kind: ChannelKind) -> Vec<Channel> {
    match kind {
        ChannelKind::Web => vec![Channel::WebForm, Channel::Chat],
        k => vec![k.channel()],
    }
}

/// Adds `cfg`; with `route`, its contacts go to that queue at that priority.
pub async fn add(
    client: &mut Client,
    tenant: &str,
    cfg: &ChannelConfig,
    route: Option<(String, Priority)>,
    actor: &str,
) -> Result<(), ServerError> {
    let tx = client.transaction().await?;
    channels::add(&tx, tenant, cfg).await?;
    if let Some((queue, priority)) = route {
        let mut rules = config::routing(&tx, tenant).await?;
        rules.retain(|r| r.account.as_deref() != Some(cfg.name.as_str()));
        for channel in routed_channels(cfg.kind) {
            rules.push(RoutingRule { channel, account: Some(cfg.name.clone()), queue: queue.clone(), priority });
        }
        config::put(&tx, tenant, config::ROUTING, &rules).await?;
    }
    let detail = format!("channel added: {} ({})", cfg.name, cfg.kind);
    audit::record(&tx, tenant, actor, "configure", Subject::default(), &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a channel and its routing rules; what it delivered stays.
pub async fn remove(client: &mut Client, tenant: &str, name: &str, actor: &str) -> Result<(), ServerError> {
    let tx = client.transaction().await?;
    if !channels::remove(&tx, tenant, name).await? {
        return Err(ServerError::NotFound(format!("no channel named `{name}` is configured")));
    }
    let mut rules = config::routing(&tx, tenant).await?;
    rules.retain(|r| r.account.as_deref() != Some(name));
    config::put(&tx, tenant, config::ROUTING, &rules).await?;
    audit::record(&tx, tenant, actor, "configure", Subject::default(), &format!("channel removed: {name}")).await?;
    tx.commit().await?;
    Ok(())
}
