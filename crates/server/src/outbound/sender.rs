//! The sender: takes one due `outbound` row at a time (`FOR UPDATE SKIP LOCKED`, held
//! while the provider is called, so no other instance sends it meanwhile), sends it,
//! and records the outcome with the touchpoint's delivery state in one transaction.
//!
//! If the instance dies mid-send the row is rolled back to `queued` and sent again.
//! Twilio's Messages API has no idempotency key, so that is at-least-once: the one
//! window for a duplicate text is a crash between Twilio's answer and our commit.

use crate::db::changes::ChangeBatch;
use crate::db::channels;
use crate::error::ServerError;
use crate::outbound::set_delivery;
use deadpool_postgres::Pool;
use std::sync::Arc;
use std::time::Duration;
use tideline_channels::{SendOutcome, twilio};
use tideline_core::Delivery;
use tokio::sync::{Notify, watch};

/// Sends per row before it is marked failed (the agent can still Retry).
pub const MAX_ATTEMPTS: i32 = 6;
const IDLE_POLL: Duration = Duration::from_millis(250);
const DEFAULT_TWILIO_API: &str = "https://api.twilio.com";

/// The wait before attempt `n + 1`: 1 s, 2 s, 4 s … at most 5 min, each ±50% so a
/// provider outage does not end in every instance retrying in step.
pub fn backoff(attempts: i32) -> Duration {
    let base = Duration::from_secs(1u64 << attempts.clamp(0, 8) as u32).min(Duration::from_secs(300));
    let mut b = [0u8; 2];
    let _ = getrandom::fill(&mut b);
    let jitter = 0.5 + f64::from(u16::from_le_bytes(b)) / f64::from(u16::MAX);
    base.mul_f64(jitter)
}

pub async fn run(pool: Pool, http: reqwest::Client, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        match send_one(&pool, &http).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "outbound send failed; the message stays queued"),
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(IDLE_POLL) => {}
            _ = stop.changed() => {}
        }
    }
}

/// Sends one due message, if there is one.
pub async fn send_one(pool: &Pool, http: &reqwest::Client) -> Result<bool, ServerError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            "SELECT id, tenant_id, channel, touchpoint_id, address, body, attempts FROM outbound
             WHERE state = 'queued' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT 1
             FOR UPDATE SKIP LOCKED",
            &[],
        )
        .await?;
    let Some(row) = row else { return Ok(false) };
    let (id, tenant, channel): (i64, String, String) = (row.get(0), row.get(1), row.get(2));
    let (touchpoint, address, body, attempts): (i64, String, String, i32) =
        (row.get(3), row.get(4), row.get(5), row.get(6));
    let outcome = match channels::get(&*tx, &tenant, &channel).await? {
        None => SendOutcome::Failed { reason: format!("The channel `{channel}` is no longer configured.") },
        Some(cfg) => {
            let sms = twilio::SendSms {
                account_sid: cfg.settings.account_sid.clone().unwrap_or_default(),
                from: cfg.settings.from_number.clone().unwrap_or_default(),
                to: address.clone(),
                body: body.clone(),
                status_callback: cfg.settings.status_callback.clone(),
            };
            let base = cfg.settings.api_base.as_deref().unwrap_or(DEFAULT_TWILIO_API);
            let req = twilio::send_request(base, &cfg.secret, &sms);
            send(http, req).await
        }
    };
    let mut changes = ChangeBatch::default();
    match &outcome {
        SendOutcome::Accepted { provider_id } => {
            tx.execute(
                "UPDATE outbound SET state = 'sent', provider_id = $2, attempts = attempts + 1, updated_at = now()
                 WHERE id = $1",
                &[&id, provider_id],
            )
            .await?;
            set_delivery(&*tx, &mut changes, &tenant, touchpoint, &Delivery::Sent).await?;
            tracing::info!(outbound_id = id, %provider_id, "message sent");
        }
        SendOutcome::Retry { reason } if attempts + 1 < MAX_ATTEMPTS => {
            let wait = backoff(attempts);
            tx.execute(
                "UPDATE outbound SET attempts = attempts + 1, last_error = $2, updated_at = now(),
                     next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1",
                &[&id, reason, &wait.as_secs_f64()],
            )
            .await?;
            tracing::warn!(outbound_id = id, %reason, retry_in_ms = wait.as_millis() as u64, "send failed; will retry");
        }
        SendOutcome::Retry { reason } | SendOutcome::Failed { reason } => {
            let retryable = matches!(outcome, SendOutcome::Retry { .. });
            let reason =
                if retryable { format!("{reason} (gave up after {MAX_ATTEMPTS} attempts)") } else { reason.clone() };
            tx.execute(
                "UPDATE outbound SET state = 'failed', attempts = attempts + 1, last_error = $2, updated_at = now()
                 WHERE id = $1",
                &[&id, &reason],
            )
            .await?;
            set_delivery(
                &*tx,
                &mut changes,
                &tenant,
                touchpoint,
                &Delivery::Failed { reason: reason.clone(), retryable },
            )
            .await?;
            tracing::warn!(outbound_id = id, %reason, "message failed");
        }
    }
    changes.finish(&*tx, &tenant).await?;
    tx.commit().await?;
    Ok(true)
}

async fn send(http: &reqwest::Client, req: tideline_channels::HttpRequest) -> SendOutcome {
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap_or(reqwest::Method::POST);
    let mut b = http.request(method, &req.url).body(req.body);
    for (k, v) in &req.headers {
        b = b.header(k, v);
    }
    match b.send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            match resp.bytes().await {
                Ok(body) => twilio::send_response(status, &body),
                Err(e) => SendOutcome::Retry { reason: format!("The provider's answer was cut off: {e}") },
            }
        }
        Err(e) => SendOutcome::Retry { reason: format!("The provider could not be reached: {e}") },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        for n in 0..12 {
            let base = (1u64 << n.min(8)).min(300) as f64;
            let d = backoff(n).as_secs_f64();
            assert!(d >= base * 0.5 && d <= base * 1.5, "attempt {n}: {d}");
        }
    }
}
