//! Configured channel accounts: a Twilio voice number, a Twilio messaging number, a
//! website, a branch system. The secret (Twilio auth token, site or system signing
//! key) stays here: [`ChannelConfig`]'s `Debug` hides it, and nothing sends it out.

use crate::error::ServerError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use tokio_postgres::GenericClient;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    TwilioVoice,
    TwilioSms,
    Web,
    Branch,
    /// A phone system that exports call records instead of calling a webhook: its
    /// calls arrive by `tideline import call-records`, so it has no secret.
    Pbx,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 5] =
        [ChannelKind::TwilioVoice, ChannelKind::TwilioSms, ChannelKind::Web, ChannelKind::Branch, ChannelKind::Pbx];

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::TwilioVoice => "twilio_voice",
            ChannelKind::TwilioSms => "twilio_sms",
            ChannelKind::Web => "web",
            ChannelKind::Branch => "branch",
            ChannelKind::Pbx => "pbx",
        }
    }

    /// The webhook path a provider is given, below the server's public URL (a PBX has
    /// none: its records are imported).
    pub fn webhook_path(self, name: &str) -> Option<String> {
        let kind = match self {
            ChannelKind::TwilioVoice => "twilio-voice",
            ChannelKind::TwilioSms => "twilio-sms",
            ChannelKind::Web => "web",
            ChannelKind::Branch => "branch",
            ChannelKind::Pbx => return None,
        };
        Some(format!("/v1/webhooks/{kind}/{name}"))
    }

    /// Whether providers sign what they send with the channel's secret.
    pub fn needs_secret(self) -> bool {
        self != ChannelKind::Pbx
    }

    /// The core channel its contacts arrive on (a website sends forms and chats; forms
    /// route as web forms).
    pub fn channel(self) -> tideline_core::Channel {
        match self {
            ChannelKind::TwilioVoice | ChannelKind::Pbx => tideline_core::Channel::Phone,
            ChannelKind::TwilioSms => tideline_core::Channel::Sms,
            ChannelKind::Web => tideline_core::Channel::WebForm,
            ChannelKind::Branch => tideline_core::Channel::Branch,
        }
    }
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ChannelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let k = s.trim().to_ascii_lowercase().replace('-', "_");
        ChannelKind::ALL.into_iter().find(|c| c.as_str() == k).ok_or_else(|| {
            let all: Vec<&str> = ChannelKind::ALL.iter().map(|c| c.as_str()).collect();
            format!("unknown channel kind `{s}` (expected one of: {})", all.join(", "))
        })
    }
}

/// Settings that are not secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSettings {
    /// Twilio: the account SID (`AC…`), for sending and for checking callbacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_sid: Option<String>,
    /// Twilio messaging: the number replies are sent from (E.164).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_number: Option<String>,
    /// The provider's API base URL (default `https://api.twilio.com`); tests and
    /// on-premises proxies point it elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base: Option<String>,
    /// Messaging: where the provider reports delivery (this channel's webhook URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_callback: Option<String>,
}

#[derive(Clone)]
pub struct ChannelConfig {
    pub name: String,
    pub kind: ChannelKind,
    pub settings: ChannelSettings,
    pub secret: String,
}

impl fmt::Debug for ChannelConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChannelConfig")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("settings", &self.settings)
            .field("secret", &"<hidden>")
            .finish()
    }
}

pub fn valid_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!("`{name}` is not a channel name: use 1-63 lowercase letters, digits and dashes"))
    }
}

pub async fn add<C: GenericClient>(client: &C, tenant: &str, c: &ChannelConfig) -> Result<(), ServerError> {
    valid_name(&c.name).map_err(ServerError::BadInput)?;
    if c.kind.needs_secret() && c.secret.trim().is_empty() {
        return Err(ServerError::BadInput("the channel's secret is empty".into()));
    }
    let settings = serde_json::to_value(&c.settings)?;
    let n = client
        .execute(
            "INSERT INTO channels (tenant_id, name, kind, settings, secret) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
            &[&tenant, &c.name, &c.kind.as_str(), &settings, &c.secret],
        )
        .await?;
    if n == 0 {
        return Err(ServerError::BadInput(format!("a channel named `{}` exists already", c.name)));
    }
    Ok(())
}

fn from_row(r: &tokio_postgres::Row) -> Result<ChannelConfig, ServerError> {
    let kind: String = r.get(1);
    Ok(ChannelConfig {
        name: r.get(0),
        kind: kind.parse().map_err(ServerError::Corrupt)?,
        settings: serde_json::from_value(r.get(2))?,
        secret: r.get(3),
    })
}

pub async fn get<C: GenericClient>(client: &C, tenant: &str, name: &str) -> Result<Option<ChannelConfig>, ServerError> {
    let row = client
        .query_opt(
            "SELECT name, kind, settings, secret FROM channels WHERE tenant_id = $1 AND name = $2",
            &[&tenant, &name],
        )
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list<C: GenericClient>(client: &C, tenant: &str) -> Result<Vec<ChannelConfig>, ServerError> {
    let rows = client
        .query("SELECT name, kind, settings, secret FROM channels WHERE tenant_id = $1 ORDER BY name", &[&tenant])
        .await?;
    rows.iter().map(from_row).collect()
}

/// Removes a channel; its stored events and touchpoints stay. False if there was none.
pub async fn remove<C: GenericClient>(client: &C, tenant: &str, name: &str) -> Result<bool, ServerError> {
    Ok(client.execute("DELETE FROM channels WHERE tenant_id = $1 AND name = $2", &[&tenant, &name]).await? == 1)
}
