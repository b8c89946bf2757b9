//! The wire format between the console and `tideline serve`: JSON over HTTP, plus one
//! WebSocket for live pokes and presence. Every path is under `/v1`.
//!
//! | Method and path                      | Body → reply                         | Who            |
//! |--------------------------------------|--------------------------------------|----------------|
//! | `GET /v1/version`                    | → [`ServerVersion`]                  | anyone         |
//! | `POST /v1/session`                   | [`SignIn`] → [`Session`]             | anyone         |
//! | `DELETE /v1/session`                 | → 204 (the token is revoked)         | signed in      |
//! | `GET /v1/me`                         | → [`UserInfo`]                       | signed in      |
//! | `GET /v1/reference`                  | → [`Reference`]                      | signed in      |
//! | `POST /v1/push`                      | [`PushRequest`] → [`PushResponse`]   | signed in      |
//! | `GET /v1/pull?cursor=N&limit=M`      | → [`PullResponse`]                   | signed in      |
//! | `GET /v1/customers/{id}/history?cursor=N&limit=M` | → [`PullResponse`]      | signed in      |
//! | `GET /v1/customers?identity=TEXT`    | → `Vec<`[`CustomerRef`]`>`           | signed in      |
//! | `GET /v1/audit?before=ID&limit=M`    | → [`AuditPage`]                      | lead, admin    |
//! | `PUT /v1/config/closure-codes`       | `Vec<`[`ClosureCodeDef`]`>` → 204    | admin          |
//! | `GET /v1/live` (WebSocket)           | [`ClientMessage`] ⇄ [`ServerMessage`]| signed in      |
//!
//! Every request but sign-in carries `Authorization: Bearer <token>`. Every error is an
//! [`ErrorBody`] with a stable `code` and a sentence for a person.
//!
//! **Versions.** A console sends [`PROTOCOL_HEADER`] with its [`PROTOCOL`] on every
//! request; a server that needs a newer console answers `426 console_too_old` with a
//! sentence asking for an update, rather than errors the console cannot read. The
//! console reads `/v1/version` before it asks for a password, and refuses a server whose
//! protocol is older than its own [`MIN_PROTOCOL`].

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tideline_core::mutation::Mutation;
use tideline_core::{Case, CaseEvent, CaseId, Customer, CustomerId, Touchpoint};

/// This build's protocol version. Raise it when a change needs both sides to know it.
pub const PROTOCOL: u32 = 1;
/// The oldest protocol the other side may speak: a server refuses older consoles, a
/// console refuses older servers.
pub const MIN_PROTOCOL: u32 = 1;
/// The request header that carries the console's [`PROTOCOL`].
pub const PROTOCOL_HEADER: &str = "tideline-protocol";
/// What `/v1/version` says [`ServerVersion::product`] is.
pub const PRODUCT: &str = "tideline";

/// `GET /v1/version`: proof that a URL is a Tideline server, and which one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServerVersion {
    /// Always [`PRODUCT`].
    pub product: String,
    /// The server's release, e.g. `0.1.0`.
    pub version: String,
    pub protocol: u32,
    pub min_protocol: u32,
}

/// The largest request body the server reads; larger ones get `413 payload_too_large`.
pub const MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;
/// The most mutations one push may carry.
pub const MAX_PUSH_BATCH: usize = 500;
/// The most changes one pull page holds, whatever `limit` asks for.
pub const MAX_PULL_PAGE: usize = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Works the cases of their queues and the customers they open.
    Agent,
    /// Sees every case and customer, and reads the audit log.
    TeamLead,
    /// A lead who also manages users and configuration.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Agent, Role::TeamLead, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::TeamLead => "team_lead",
            Role::Admin => "admin",
        }
    }

    /// Sees the whole tenant rather than a scope of queues and opened customers.
    pub fn sees_everything(self) -> bool {
        matches!(self, Role::TeamLead | Role::Admin)
    }

    pub fn reads_audit(self) -> bool {
        matches!(self, Role::TeamLead | Role::Admin)
    }

    pub fn configures(self) -> bool {
        self == Role::Admin
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == t || (t == "lead" && *r == Role::TeamLead))
            .ok_or_else(|| format!("`{s}` is not a role (expected agent, team_lead or admin)"))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UserInfo {
    /// The sign-in name; also the name cases are assigned to and events are signed with
    /// (`Actor::Agent(username)`).
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The queues an agent works; their cache holds these queues' cases.
    pub queues: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Opaque; the server keeps only its hash. The console keeps it in the OS keyring.
    pub token: String,
    pub user: UserInfo,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClosureCodeDef {
    pub code: String,
    pub label: String,
}

/// What pickers offer: the tenant's queues, its people and its closure codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub queues: Vec<String>,
    pub people: Vec<UserRef>,
    pub closure_codes: Vec<ClosureCodeDef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UserRef {
    pub username: String,
    pub display_name: String,
}

/// A batch of the client's outbox, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    /// Chosen once per cache (a random id kept in it); with `seq`, it names a mutation
    /// for good, so a retried batch is applied exactly once.
    pub client_id: String,
    pub mutations: Vec<PushMutation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushMutation {
    /// The outbox sequence number: increasing per client.
    pub seq: i64,
    pub mutation: Mutation,
    /// When the agent acted, by the client's clock. The server records its own time;
    /// this one only words conflicts ("while you were offline").
    pub at: Timestamp,
    /// The case's version (`Change::pos` of its latest record) when the agent's view was
    /// loaded. With it the server can say what changed since (the "traffic cop").
    #[serde(default)]
    pub basis: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// One per pushed mutation, in the same order.
    pub results: Vec<PushResult>,
    /// The newest change position after this push.
    pub head: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResult {
    pub seq: i64,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What became of one pushed mutation. A retry of the same `(client_id, seq)` gets the
/// same outcome again and changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Applied {
        /// The server's id for a customer the mutation created.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        customer_id: Option<CustomerId>,
        /// Something the agent should know although nothing was lost, e.g. that a
        /// colleague replied since their view was loaded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notice: Option<String>,
    },
    /// Applied as something else, e.g. a reply to a case resolved meanwhile kept as an
    /// internal note.
    Transformed { into: Mutation, message: String },
    /// Not applied; the message says why in plain words.
    Rejected { message: String },
}

impl Outcome {
    /// The sentence to show the agent, if any.
    pub fn message(&self) -> Option<&str> {
        match self {
            Outcome::Applied { notice, .. } => notice.as_deref(),
            Outcome::Transformed { message, .. } | Outcome::Rejected { message } => Some(message),
        }
    }
}

/// A page of changes after a cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    /// In position order. Each carries the record's whole current state, so applying a
    /// change twice, or an older one after a newer, is harmless when applied by `pos`.
    pub changes: Vec<Change>,
    /// Pass this back to get the next page. Never skips a change: everything at or
    /// below it had committed when the page was read.
    pub cursor: i64,
    /// More changes are waiting; pull again at once.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The change's position in the tenant's change log.
    pub pos: i64,
    #[serde(flatten)]
    pub record: Record,
}

/// A record's new state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// A customer with all their identities (links and unlinks arrive this way).
    Customer {
        customer: Customer,
    },
    Case {
        case: Case,
    },
    /// Events are immutable; `id` is the server's and orders them within a case.
    Event {
        id: i64,
        event: CaseEvent,
    },
    Touchpoint {
        touchpoint: Touchpoint,
    },
}

impl Record {
    /// The customer the record concerns, if it is linked to one.
    pub fn customer_id(&self) -> Option<CustomerId> {
        match self {
            Record::Customer { customer } => Some(customer.id),
            Record::Case { case } => Some(case.customer_id),
            Record::Event { event, .. } => Some(event.customer_id),
            Record::Touchpoint { touchpoint } => touchpoint.customer_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRef {
    pub id: CustomerId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    /// The username who acted.
    pub actor: String,
    /// What they did: a mutation's name (`reply`, `link_identity`, …), `open_customer`,
    /// `sign_in`, `sign_out`, `configure`, `user_add`, `user_disable`.
    pub action: String,
    pub case_id: Option<CaseId>,
    pub customer_id: Option<CustomerId>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page.
    pub next: Option<i64>,
}

/// What a client does on the live socket: tell colleagues which case it has open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// `case_id: None` leaves whatever case the client had open.
    Presence { case_id: Option<CaseId>, activity: Activity },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    Viewing,
    Replying,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// Something changed at or below `head`: pull now.
    Poke { head: i64 },
    /// Who else has this case open, sent whenever it changes. Excludes the receiver.
    Presence { case_id: CaseId, people: Vec<PresenceEntry> },
    /// The receiver asked to be present on a case outside their scope: they are not
    /// announced there, and are told nobody's presence.
    PresenceRefused { case_id: CaseId, message: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PresenceEntry {
    pub username: String,
    pub display_name: String,
    pub activity: Activity,
}

/// The body of every error reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// Stable and machine-readable: `bad_request`, `unauthenticated`, `forbidden`,
    /// `not_found`, `payload_too_large`, `conflict`, `too_many_requests` (with a
    /// `Retry-After` header), `internal`.
    pub code: String,
    /// One sentence for a person.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use tideline_core::CaseAction;

    #[test]
    fn outcomes_are_tagged_and_flat() {
        let r = PushResult { seq: 3, outcome: Outcome::Rejected { message: "no".into() } };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v, serde_json::json!({"seq": 3, "outcome": "rejected", "message": "no"}));
        let t = PushResult {
            seq: 4,
            outcome: Outcome::Transformed {
                into: Mutation::Case { case_id: CaseId(1), action: CaseAction::AddNote { body: "x".into() } },
                message: "kept as a note".into(),
            },
        };
        let back: PushResult = serde_json::from_value(serde_json::to_value(&t).unwrap()).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn roles_parse_from_what_admins_type() {
        assert_eq!("lead".parse::<Role>(), Ok(Role::TeamLead));
        assert_eq!("Team-Lead".parse::<Role>(), Ok(Role::TeamLead));
        assert!("boss".parse::<Role>().is_err());
    }
}
