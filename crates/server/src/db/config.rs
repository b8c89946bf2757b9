//! Tenant configuration kept as JSON under a key in `config`: routing rules and the
//! threading windows (closure codes are in [`super::catalogue`]).

use crate::error::ServerError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tideline_core::intake::{RoutingRule, ThreadingPolicy};
use tokio_postgres::GenericClient;

pub const ROUTING: &str = "routing_rules";
pub const THREADING: &str = "threading";

pub async fn get<C: GenericClient, T: DeserializeOwned>(
    client: &C,
    tenant: &str,
    key: &str,
) -> Result<Option<T>, ServerError> {
    let row = client.query_opt("SELECT value FROM config WHERE tenant_id = $1 AND key = $2", &[&tenant, &key]).await?;
    row.map(|r| serde_json::from_value(r.get(0)).map_err(ServerError::from)).transpose()
}

pub async fn put<C: GenericClient, T: Serialize>(
    client: &C,
    tenant: &str,
    key: &str,
    value: &T,
) -> Result<(), ServerError> {
    let value = serde_json::to_value(value)?;
    client
        .execute(
            "INSERT INTO config (tenant_id, key, value) VALUES ($1, $2, $3)
             ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value",
            &[&tenant, &key, &value],
        )
        .await?;
    Ok(())
}

pub async fn routing<C: GenericClient>(client: &C, tenant: &str) -> Result<Vec<RoutingRule>, ServerError> {
    Ok(get(client, tenant, ROUTING).await?.unwrap_or_default())
}

pub async fn threading<C: GenericClient>(client: &C, tenant: &str) -> Result<ThreadingPolicy, ServerError> {
    Ok(get(client, tenant, THREADING).await?.unwrap_or_default())
}
