//! User management for `tideline user add|list|disable` (and the demo seed).

use crate::db::audit::{self, Subject};
use crate::domain::auth::hash_password;
use crate::error::ServerError;
use tideline_sync::protocol::{Role, UserInfo};
use tokio_postgres::GenericClient;

/// The tenant every user belongs to until there is more than one.
pub const DEFAULT_TENANT: &str = "default";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub queues: Vec<String>,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub info: UserInfo,
    pub disabled: bool,
}

/// Adds a user; `actor` is who did it, for the audit log. Fails if the name is taken.
pub async fn add<C: GenericClient>(client: &C, tenant: &str, new: &NewUser, actor: &str) -> Result<(), ServerError> {
    let username = new.username.trim();
    if username.is_empty() || username.len() > 100 || username.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ServerError::Invalid(format!(
            "`{}` is not a valid username (1 to 100 characters, no spaces)",
            new.username
        )));
    }
    if new.password.is_empty() {
        return Err(ServerError::Invalid("the password is empty".into()));
    }
    let display =
        if new.display_name.trim().is_empty() { username.to_string() } else { new.display_name.trim().into() };
    let password = new.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ServerError::Invalid(e.to_string()))??;
    let inserted = client
        .execute(
            "INSERT INTO users (tenant_id, username, display_name, role, password_hash, queues)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, username) DO NOTHING",
            &[&tenant, &username, &display, &new.role.as_str(), &hash, &new.queues],
        )
        .await?;
    if inserted == 0 {
        return Err(ServerError::Invalid(format!("there is already a user `{username}`")));
    }
    let detail = format!("{username} as {} (queues: {})", new.role, new.queues.join(", "));
    audit::record(client, tenant, actor, "user_add", Subject::default(), &detail).await
}

pub async fn list<C: GenericClient>(client: &C, tenant: &str) -> Result<Vec<UserRow>, ServerError> {
    let rows = client
        .query(
            "SELECT username, display_name, role, queues, disabled FROM users WHERE tenant_id = $1 ORDER BY username",
            &[&tenant],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.get(2);
            Ok(UserRow {
                info: UserInfo {
                    username: r.get(0),
                    display_name: r.get(1),
                    role: role.parse().map_err(ServerError::Corrupt)?,
                    queues: r.get(3),
                },
                disabled: r.get(4),
            })
        })
        .collect()
}

/// Disables a user and revokes every token they hold.
pub async fn disable<C: GenericClient>(
    client: &C,
    tenant: &str,
    username: &str,
    actor: &str,
) -> Result<(), ServerError> {
    let row = client
        .query_opt(
            "UPDATE users SET disabled = true WHERE tenant_id = $1 AND username = $2 RETURNING id",
            &[&tenant, &username],
        )
        .await?;
    let Some(row) = row else {
        return Err(ServerError::Invalid(format!("there is no user `{username}`")));
    };
    let id: i64 = row.get(0);
    client.execute("UPDATE tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", &[&id]).await?;
    audit::record(client, tenant, actor, "user_disable", Subject::default(), username).await
}
