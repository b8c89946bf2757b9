//! Signing in and out.

use crate::db::audit::{self, Subject};
use crate::domain::user::User;
use crate::domain::users::DEFAULT_TENANT;
use crate::domain::{auth, throttle};
use crate::error::ServerError;
use deadpool_postgres::Pool;
use jiff::{SignedDuration, Timestamp};
use std::net::IpAddr;
use std::time::Duration;
use tideline_sync::protocol::{Session, UserInfo};

const WRONG_CREDENTIALS: &str = "Wrong username or password.";

/// Signs in from `from` (the client's address, if known). Attempts are throttled per
/// username and per address ([`throttle`]); every failure and every refusal is audited.
pub async fn sign_in(
    pool: &Pool,
    username: &str,
    password: &str,
    from: Option<IpAddr>,
    ttl: Duration,
) -> Result<Session, ServerError> {
    let client = pool.get().await?;
    let keys = throttle::keys(username, from);
    let actor: String = username.chars().take(100).collect();
    let origin = from.map_or_else(|| "from an unknown address".to_string(), |ip| format!("from {ip}"));
    if let Some(left) = throttle::wait_left(&**client, &keys).await? {
        let wait = throttle::in_words(left);
        let detail = format!("{origin}: refused, {wait} left after too many failures");
        audit::record(&**client, DEFAULT_TENANT, &actor, "sign_in_refused", Subject::default(), &detail).await?;
        return Err(ServerError::Throttled {
            message: format!("Too many failed sign-ins. Wait {wait} before trying again."),
            retry_after: left,
        });
    }
    let row = client
        .query_opt(
            "SELECT id, tenant_id, display_name, role, queues, password_hash, disabled FROM users
             WHERE tenant_id = $1 AND username = $2",
            &[&DEFAULT_TENANT, &username],
        )
        .await?;
    // Verify even for an unknown user, so timing does not tell which part was wrong.
    let hash: Option<String> = row.as_ref().map(|r| r.get(5));
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || match hash {
        Some(h) => auth::verify_password(&h, &password),
        None => {
            let _ = auth::verify_password(dummy_hash(), &password);
            false
        }
    })
    .await
    .unwrap_or(false);
    let Some(row) = row.filter(|r| ok && !r.get::<_, bool>(6)) else {
        let delay = throttle::record_failure(&**client, &keys).await?;
        audit::record(&**client, DEFAULT_TENANT, &actor, "sign_in_failed", Subject::default(), &origin).await?;
        return Err(ServerError::Unauthenticated(match delay {
            None => WRONG_CREDENTIALS.into(),
            Some(d) => format!(
                "{WRONG_CREDENTIALS} Too many failed sign-ins: wait {} before trying again.",
                throttle::in_words(d)
            ),
        }));
    };
    throttle::record_success(&**client, username).await?;
    let (token, hash) = auth::new_token()?;
    let ttl = SignedDuration::try_from(ttl).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let expires_at = Timestamp::now().checked_add(ttl).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let user_id: i64 = row.get(0);
    let tenant: String = row.get(1);
    client
        .execute(
            "INSERT INTO tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
            &[&hash, &user_id, &auth::to_system(expires_at)],
        )
        .await?;
    audit::record(&**client, &tenant, username, "sign_in", Subject::default(), "").await?;
    let role: String = row.get(3);
    let user = UserInfo {
        username: username.to_string(),
        display_name: row.get(2),
        role: role.parse().map_err(ServerError::Corrupt)?,
        queues: row.get(4),
    };
    Ok(Session { token, user, expires_at })
}

/// A hash to verify against when the user is unknown, made once.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| auth::hash_password("no such user").unwrap_or_default())
}

pub async fn sign_out(pool: &Pool, user: &User) -> Result<(), ServerError> {
    let client = pool.get().await?;
    client.execute("UPDATE tokens SET revoked_at = now() WHERE token_hash = $1", &[&user.token_hash]).await?;
    audit::record(&**client, &user.tenant, &user.username, "sign_out", Subject::default(), "").await?;
    Ok(())
}
