// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p tideline-console bindings

export type CustomerId = number;

export type CaseId = number;

export type TouchpointId = number;

export type Channel = "branch" | "phone" | "email" | "web_form" | "chat" | "sms" | "x" | "facebook" | "instagram";

export type Direction = "inbound" | "outbound";

export type Actor = { "kind": "customer" } | { "kind": "agent", "name": string } | { "kind": "system" };

export type IdentityKind = "phone" | "email" | "x_handle" | "facebook_id" | "instagram_handle" | "branch_customer_no" | "web_account_id";

export type Identity = { kind: IdentityKind, value: string, };

export type Customer = { id: CustomerId, name: string, identities: Array<Identity>, created_at: string, };

export type CallOutcome = "in_progress" | "answered" | "no_answer" | "busy" | "failed" | "abandoned";

export type Delivery = { "state": "queued" } | { "state": "sent" } | { "state": "delivered" } | { "state": "failed", reason: string, retryable: boolean, };

export type ChannelFacts = { call_duration_secs?: number | null, branch_id?: string | null, post_url?: string | null, 
/**
 * Social posts: seen by anyone (a public reply) or only by us (a direct message).
 */
public?: boolean | null, 
/**
 * Phone: how the call ended (a missed call is contact too).
 */
call_outcome?: CallOutcome | null, 
/**
 * Outbound messages: where the provider says our message is.
 */
delivery?: Delivery | null, };

export type Touchpoint = { id: TouchpointId, 
/**
 * `None` while the touchpoint is unlinked: its identity matched no customer.
 */
customer_id: CustomerId | null, case_id: CaseId | null, channel: Channel, direction: Direction, actor: Actor, occurred_at: string, 
/**
 * The customer's identity on this channel (the caller's number, the sender's
 * address, the poster's handle), if the channel gives one.
 */
identity: Identity | null, summary: string, body?: string | null, facts?: ChannelFacts, };

export type CaseStatus = "new" | "open" | "pending" | "resolved" | "closed";

export type Priority = "low" | "normal" | "high" | "urgent";

export type Interval = { start: string, end: string, };

export type Closure = { code: string, summary: string, };

export type Case = { id: CaseId, customer_id: CustomerId, 
/**
 * The channel the case came in on; it selects the SLA policy.
 */
channel: Channel, subject: string, status: CaseStatus, priority: Priority, queue: string, assignee: string | null, 
/**
 * Contact-reason tags, such as `card_declined`; repeat contacts are counted per tag.
 */
reasons: Array<string>, opened_at: string, first_response_at: string | null, 
/**
 * The last update the customer received from us (acknowledgement or reply).
 */
last_update_at: string | null, 
/**
 * The oldest customer message that has had no reply yet.
 */
awaiting_reply_since: string | null, pending_since: string | null, 
/**
 * Finished pauses: time spent pending, or resolved before a reopen. SLA clocks do
 * not count them.
 */
paused: Array<Interval>, resolved_at: string | null, closed_at: string | null, closure: Closure | null, escalation_level: number, repeat_contact: boolean, 
/**
 * Escalation rules that already fired, so each fires once per case.
 */
fired_rules: Array<string>, };

export type CaseAction = { "type": "acknowledge" } | { "type": "reply", body: string, } | { "type": "add_note", body: string, } | { "type": "assign", assignee: string | null, queue: string | null, } | { "type": "escalate", reason: string, } | { "type": "set_pending" } | { "type": "resume" } | { "type": "resolve", closure_code: string, summary: string, } | { "type": "close" } | { "type": "reopen", reason: string, } | { "type": "customer_message" } | { "type": "set_priority", priority: Priority, } | { "type": "flag_repeat_contact" };

export type CaseEvent = { case_id: CaseId, customer_id: CustomerId, at: string, actor: Actor, kind: CaseEventKind, };

export type CaseEventKind = { "type": "opened", subject: string, channel: Channel, } | { "type": "acknowledged" } | { "type": "replied", body: string, } | { "type": "noted", body: string, } | { "type": "assigned", assignee: string | null, queue: string, } | { "type": "escalated", reason: string, level: number, } | { "type": "pending" } | { "type": "resumed" } | { "type": "resolved", closure_code: string, summary: string, } | { "type": "closed" } | { "type": "reopened", reason: string, } | { "type": "customer_message" } | { "type": "priority_changed", from: Priority, to: Priority, } | { "type": "flagged_repeat_contact" };

export type Mutation = { "type": "case", case_id: CaseId, action: CaseAction, } | { "type": "link_identity", touchpoint_id: TouchpointId, customer_id: CustomerId, } | { "type": "create_customer", touchpoint_id: TouchpointId, name: string, } | { "type": "unlink_identity", identity: Identity, customer_id: CustomerId, } | { "type": "retry_delivery", touchpoint_id: TouchpointId, };

export type ClockKind = "first_response" | "next_reply" | "periodic_update" | "resolution";

export type ClockState = "ok" | "warning" | "breached" | "met" | "missed";

export type ClockStatus = { kind: ClockKind, state: ClockState, target: number, 
/**
 * Business time used, pauses excluded.
 */
elapsed: number, 
/**
 * `target - elapsed`; negative once over.
 */
remaining: number, 
/**
 * When a running, unpaused clock reaches its target if nothing else pauses it.
 * Depends only on the start, the pauses and the target, never on `now`, so the
 * store can index it to order the queue.
 */
due_at: string | null, 
/**
 * The clock is running but stands still at `now` (e.g. waiting on the customer).
 */
paused: boolean, };

export type QueueKey = { due_at: string | null, priority: Priority, case_id: CaseId, };

export type TimelineCursor = { at: string, 
/**
 * 1 for touchpoints, 0 for case events: at the same instant the contact comes
 * before (is newer than) what an agent did about it in the newest-first order.
 */
rank: number, id: number, };

export type TimelineItem = { "item": "touchpoint" } & Touchpoint | { "item": "case_event", 
/**
 * The event's row id in the cache, which orders events at the same instant.
 */
id: number, case_id: CaseId, customer_id: CustomerId, at: string, actor: Actor, kind: CaseEventKind, };

export type ChannelHop = { case_id: CaseId, from_touchpoint: TouchpointId, to_touchpoint: TouchpointId, from_channel: Channel, to_channel: Channel, 
/**
 * "Called on Mon 2 Mar, then posted publicly on X on Tue 3 Mar about the same case"
 */
description: string, };

export type QueueFilter = { 
/**
 * Only cases assigned to this agent ("my cases").
 */
assignee: string | null, 
/**
 * Only these queues (team queues).
 */
queues: Array<string> | null, channels: Array<Channel> | null, priorities: Array<Priority> | null, 
/**
 * Any of new, open, pending; all three when `None`.
 */
statuses: Array<CaseStatus> | null, };

export type QueueCursor = { due_key: number, priority_rank: number, id: number, };

export type QueueRow = { case: Case, customer_name: string, 
/**
 * The clocks as of `now`, most urgent running clock first.
 */
clocks: Array<ClockStatus>, key: QueueKey, };

export type QueuePage = { rows: Array<QueueRow>, next: QueueCursor | null, };

export type TimelineQuery = { customer: CustomerId, 
/**
 * Start after this item (the previous page's `next`), or at the newest.
 */
before: TimelineCursor | null, limit: number, 
/**
 * Only this case's touchpoints and events.
 */
case: CaseId | null, 
/**
 * Only touchpoints on these channels (case events are left out).
 */
channels: Array<Channel> | null, };

export type TimelinePage = { items: Array<TimelineItem>, 
/**
 * Pass as `before` for the next (older) page; `None` at the start of history.
 */
next: TimelineCursor | null, };

export type UnlinkedCursor = { at: string, id: number, };

export type UnlinkedPage = { items: Array<Touchpoint>, next: UnlinkedCursor | null, };

export type CustomerHit = { id: CustomerId, name: string, 
/**
 * Set when the query was one of the customer's identities.
 */
matched_identity: Identity | null, };

export type CaseHit = { id: CaseId, customer_id: CustomerId, customer_name: string, subject: string, status: CaseStatus, };

export type SearchResults = { customers: Array<CustomerHit>, cases: Array<CaseHit>, 
/**
 * Most recently recorded first.
 */
touchpoints: Array<Touchpoint>, };

export type Applied = { 
/**
 * The outbox sequence number: the client's id for this change when it syncs.
 */
seq: number, 
/**
 * The customer a link or a new customer concerns.
 */
customer_id: CustomerId | null, event: CaseEvent | null, 
/**
 * Touchpoints a link attached to (or an undo took back from) the customer.
 */
touchpoints: Array<TouchpointId>, };

export type NoticeKind = "notice" | "transformed" | "rejected";

export type Notice = { id: number, at: string, case_id: CaseId | null, customer_id: CustomerId | null, kind: NoticeKind, message: string, seen: boolean, };

export type Role = "agent" | "team_lead" | "admin";

export type UserInfo = { 
/**
 * The sign-in name; also the name cases are assigned to and events are signed with
 * (`Actor::Agent(username)`).
 */
username: string, display_name: string, role: Role, 
/**
 * The queues an agent works; their cache holds these queues' cases.
 */
queues: Array<string>, };

export type Activity = "viewing" | "replying";

export type PresenceEntry = { username: string, display_name: string, activity: Activity, };

export type SyncStatus = { 
/**
 * The live connection to the server is up.
 */
online: boolean, 
/**
 * Local changes not yet answered by the server.
 */
pending: number, 
/**
 * The last thing that went wrong, in plain words; `None` once a cycle succeeds.
 */
last_error: string | null, 
/**
 * The change-log position the cache is pulled up to.
 */
cursor: number, 
/**
 * The first full pull has finished: the cache holds the agent's whole scope.
 */
initial_sync_done: boolean, };

export type ApiError = { message: string, };

export type AppStatus = { 
/**
 * Whether the server is reachable (the live connection is up). Never in the demo.
 */
online: boolean, 
/**
 * Local changes waiting to be sent.
 */
pending: number, user: string, 
/**
 * Running on the local demo data, with no back end configured.
 */
demo: boolean, };

export type ClosureCode = { code: string, label: string, };

export type ReferenceData = { closure_codes: Array<ClosureCode>, agents: Array<string>, queues: Array<string>, };

export type CaseSummary = { case: Case, 
/**
 * As of the moment of the call; the UI ticks them on from `due_at`.
 */
clocks: Array<ClockStatus>, 
/**
 * The case's server version in the cache when this was read (`None` before its
 * first sync, and in the demo). Sent back as the `basis` of an action, and to
 * `traffic_check`.
 */
version: number | null, };

export type CustomerOverview = { customer: Customer, 
/**
 * Newest first.
 */
cases: Array<CaseSummary>, hops: Array<ChannelHop>, 
/**
 * Touchpoints on record, all channels.
 */
touchpoints: number, };

export type SessionMode = "demo" | "signed_in" | "signed_out";

export type SessionInfo = { mode: SessionMode, 
/**
 * The server signed in to.
 */
server: string | null, user: UserInfo | null, role: Role | null, 
/**
 * What the sign-in form starts with: the last server and username (never a secret).
 */
last_server: string | null, last_username: string | null, 
/**
 * The server this machine's IT team configured: sign-in goes there, unasked.
 */
configured_server: string | null, 
/**
 * Why the console is signed out when the agent did not choose it (the session
 * ended, no keyring, automatic sign-in failed).
 */
message: string | null, };

export type ServerCheck = { server: string, version: string, };

export type TrafficSince = { version: number | null, at: string, };

export type ChangedEvent = { cases: Array<CaseId>, customers: Array<CustomerId>, 
/**
 * Too much changed to list (a first sync): refresh everything on screen.
 */
everything: boolean, };

export type PresenceEvent = { case_id: CaseId, people: Array<PresenceEntry>, };

export type SignedOutEvent = { message: string, };
