//! Small hand-built caches whose every row the tests know.

use jiff::{SignedDuration, Timestamp};
use tempfile::TempDir;
use tideline_core::{
    Actor, Case, CaseAction, CaseEvent, CaseEventKind, CaseId, Channel, ChannelFacts, ClosureCatalogue, Customer,
    CustomerId, Direction, Identity, IdentityContext, IdentityKind, Priority, Touchpoint, TouchpointId,
};
use tideline_store::{Store, StoreConfig};

pub fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Monday 2 March 2026, 14:00 London time (GMT): inside business hours.
pub fn now() -> Timestamp {
    t("2026-03-02T14:00:00Z")
}

pub fn id(kind: IdentityKind, raw: &str) -> Identity {
    Identity::parse(kind, raw, &IdentityContext::default()).unwrap()
}

pub struct Fixture {
    pub dir: TempDir,
    pub store: Store,
}

impl Fixture {
    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("cache.db")
    }

    pub fn reopen(self) -> Fixture {
        let Fixture { dir, store } = self;
        drop(store);
        let store = Store::open(&dir.path().join("cache.db"), StoreConfig::default()).unwrap();
        Fixture { dir, store }
    }
}

pub fn empty() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("cache.db"), StoreConfig::default()).unwrap();
    Fixture { dir, store }
}

pub fn customer(id: i64, name: &str, identities: Vec<Identity>) -> Customer {
    Customer { id: CustomerId(id), name: name.into(), identities, created_at: t("2024-01-01T00:00:00Z") }
}

pub fn touchpoint(id: i64, customer: Option<i64>, channel: Channel, at: &str, summary: &str) -> Touchpoint {
    let facts = match channel {
        Channel::Phone => ChannelFacts { call_duration_secs: Some(240), ..Default::default() },
        Channel::Branch => ChannelFacts { branch_id: Some("LDN-CHEAPSIDE".into()), ..Default::default() },
        c if c.is_social() => ChannelFacts { public: Some(true), ..Default::default() },
        _ => ChannelFacts::default(),
    };
    Touchpoint {
        id: TouchpointId(id),
        customer_id: customer.map(CustomerId),
        case_id: None,
        channel,
        direction: Direction::Inbound,
        actor: Actor::Customer,
        occurred_at: t(at),
        identity: None,
        summary: summary.into(),
        body: None,
        facts,
    }
}

/// A new case opened `ago` before [`now`], with its `Opened` event.
pub fn new_case(
    id: i64,
    customer: i64,
    channel: Channel,
    priority: Priority,
    ago: SignedDuration,
) -> (Case, CaseEvent) {
    let opened = now() - ago;
    let case = Case::open(CaseId(id), CustomerId(customer), channel, format!("Case {id}"), priority, "cards", opened);
    let ev = CaseEvent {
        case_id: case.id,
        customer_id: case.customer_id,
        at: opened,
        actor: Actor::Customer,
        kind: CaseEventKind::Opened { subject: case.subject.clone(), channel },
    };
    (case, ev)
}

pub fn step(case: &Case, action: CaseAction, at: Timestamp) -> (Case, CaseEvent) {
    case.apply(&action, &Actor::agent("sam"), at, &ClosureCatalogue::default()).unwrap()
}

/// Ann (phone, email, X) and Bob (email), with Ann's contacts on five channels, two
/// cases, and an unlinked tweet from a handle nobody has yet.
pub fn small() -> Fixture {
    let mut f = empty();
    let mut l = f.store.loader(now()).unwrap();
    l.customer(&customer(
        1,
        "Ann Lee",
        vec![
            id(IdentityKind::Phone, "020 7946 0018"),
            id(IdentityKind::Email, "ann.lee@example.com"),
            id(IdentityKind::XHandle, "@annlee"),
        ],
    ))
    .unwrap();
    l.customer(&customer(2, "Bob Stone", vec![id(IdentityKind::Email, "bob@example.org")])).unwrap();
    let (c1, e1) = new_case(1, 1, Channel::Phone, Priority::Normal, SignedDuration::from_mins(30));
    let (c1b, e1b) = step(&c1, CaseAction::Acknowledge, now() - SignedDuration::from_mins(20));
    let (c2, e2) = new_case(2, 2, Channel::Email, Priority::High, SignedDuration::from_mins(10));
    for c in [&c1b, &c2] {
        l.case(c).unwrap();
    }
    for e in [&e1, &e1b, &e2] {
        l.event(e).unwrap();
    }
    let mut tps = [
        touchpoint(1, Some(1), Channel::Branch, "2026-02-20T10:00:00Z", "Asked about a mortgage holiday at the branch"),
        touchpoint(2, Some(1), Channel::Phone, "2026-03-02T13:30:00Z", "Card declined at Tesco, wants it unblocked"),
        touchpoint(3, Some(1), Channel::Email, "2026-02-25T09:00:00Z", "Statement for February missing"),
        touchpoint(4, Some(1), Channel::X, "2026-03-02T13:30:00Z", "Public complaint: card declined again"),
        touchpoint(5, Some(1), Channel::Chat, "2026-01-15T16:45:00Z", "Chat about app login codes"),
        touchpoint(6, Some(2), Channel::Email, "2026-03-02T13:50:00Z", "Direct debit taken twice"),
    ];
    tps[1].case_id = Some(CaseId(1));
    tps[3].case_id = Some(CaseId(1));
    tps[5].case_id = Some(CaseId(2));
    let mut unlinked =
        touchpoint(7, None, Channel::X, "2026-03-02T12:00:00Z", "@TidelineBank my card got declined twice");
    unlinked.identity = Some(id(IdentityKind::XHandle, "@ann_lee_77"));
    let mut unlinked2 = touchpoint(8, None, Channel::X, "2026-03-02T12:05:00Z", "still waiting for an answer");
    unlinked2.identity = Some(id(IdentityKind::XHandle, "@ann_lee_77"));
    let mut unknown_call =
        touchpoint(9, None, Channel::Phone, "2026-03-01T09:00:00Z", "Caller asked for opening hours");
    unknown_call.identity = Some(id(IdentityKind::Phone, "07911 123456"));
    for tp in tps.iter().chain([&unlinked, &unlinked2, &unknown_call]) {
        l.touchpoint(tp).unwrap();
    }
    l.finish().unwrap();
    f
}
