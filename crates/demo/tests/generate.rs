//! Properties of the generated contact centre: determinism, coverage, validity and
//! consistency with the core's state machine and SLA clocks.

use jiff::{SignedDuration, Timestamp};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;
use tideline_core::sla::{ClockKind, ClockState, SlaPolicy, case_clocks};
use tideline_core::{
    Actor, Case, CaseAction, CaseEvent, CaseEventKind, CaseStatus, Channel, ClosureCatalogue, Direction, Identity,
    IdentityContext, Priority,
};
use tideline_demo::{CustomerBundle, DemoConfig, agents, generate, queues};

/// A Wednesday afternoon.
fn now() -> Timestamp {
    "2026-03-11T14:30:00Z".parse().unwrap()
}

fn sample() -> &'static [CustomerBundle] {
    static SAMPLE: OnceLock<Vec<CustomerBundle>> = OnceLock::new();
    SAMPLE.get_or_init(|| generate(&DemoConfig::new(600, 42, now())).collect())
}

fn all_touchpoints(bundles: &[CustomerBundle]) -> impl Iterator<Item = &tideline_core::Touchpoint> {
    bundles.iter().flat_map(|b| b.touchpoints.iter().chain(&b.unlinked))
}

#[test]
fn the_same_config_gives_the_same_world_and_another_seed_another() {
    let cfg = DemoConfig::new(120, 7, now());
    let a: Vec<_> = generate(&cfg).collect();
    let b: Vec<_> = generate(&cfg).collect();
    assert_eq!(a, b);
    let c: Vec<_> = generate(&DemoConfig { seed: 8, ..cfg.clone() }).collect();
    assert_ne!(a, c);
    let names = |v: &[CustomerBundle]| v.iter().map(|b| b.customer.name.clone()).collect::<Vec<_>>();
    assert_ne!(names(&a), names(&c));
    // Each customer has its own stream: a shorter run is a prefix of a longer one.
    let short: Vec<_> = generate(&DemoConfig::new(50, 7, now())).collect();
    assert_eq!(short[..], a[..50]);
}

#[test]
fn every_channel_appears_in_both_directions_where_it_makes_sense() {
    let mut seen: BTreeMap<(Channel, &str), usize> = BTreeMap::new();
    for t in all_touchpoints(sample()) {
        *seen.entry((t.channel, t.direction.as_str())).or_default() += 1;
    }
    for ch in Channel::ALL {
        assert!(seen.contains_key(&(ch, "inbound")), "no inbound {ch}: {seen:?}");
    }
    for ch in
        [Channel::Phone, Channel::Email, Channel::Chat, Channel::Sms, Channel::X, Channel::Facebook, Channel::Instagram]
    {
        assert!(seen.contains_key(&(ch, "outbound")), "no outbound {ch}: {seen:?}");
    }
}

#[test]
fn touchpoints_validate_and_carry_their_channel_facts() {
    let mut public_posts = 0;
    let mut dms = 0;
    for t in all_touchpoints(sample()) {
        t.validate().unwrap_or_else(|e| panic!("{}: {e}", t.id));
        assert!(t.occurred_at <= now(), "{} is in the future", t.id);
        let text = format!("{} {}", t.summary, t.body.as_deref().unwrap_or(""));
        assert!(!text.contains('{') && !text.contains('}'), "unfilled slot in {}: {text}", t.id);
        assert!(!text.to_lowercase().contains("lorem"));
        match t.channel {
            Channel::Phone => assert!(t.facts.call_duration_secs.is_some_and(|s| s > 0), "{}", t.id),
            Channel::Branch => {
                let b = t.facts.branch_id.as_deref().unwrap();
                assert!(b.len() > 4 && b.chars().all(|c| c.is_ascii_uppercase() || c == '-'), "{b}");
            }
            c if c.is_social() => {
                let public = t.facts.public.expect("social touchpoints say public or private");
                if public {
                    public_posts += 1;
                    let url = t.facts.post_url.as_deref().expect("public posts have a URL");
                    if c == Channel::X {
                        let (who, id) = url.strip_prefix("https://x.com/").unwrap().split_once("/status/").unwrap();
                        assert!(id.parse::<u64>().is_ok(), "{url}");
                        if t.direction == Direction::Inbound {
                            assert_eq!(Some(who), t.identity.as_ref().map(Identity::value), "{url}");
                        } else {
                            assert_eq!(who, "KestrelBank");
                        }
                    } else {
                        assert!(url.starts_with("https://www."), "{url}");
                    }
                } else {
                    dms += 1;
                    assert!(t.facts.post_url.is_none());
                }
            }
            _ => assert!(t.facts.is_empty(), "{}: {:?}", t.id, t.facts),
        }
    }
    assert!(public_posts > 50 && dms > 50, "{public_posts} public, {dms} private");
}

#[test]
fn ids_are_sequential_from_one_and_unique() {
    let bundles = sample();
    let customer_ids: Vec<i64> = bundles.iter().map(|b| b.customer.id.0).collect();
    assert_eq!(customer_ids, (1..=bundles.len() as i64).collect::<Vec<_>>());
    let case_ids: Vec<i64> = bundles.iter().flat_map(|b| b.cases.iter().map(|c| c.id.0)).collect();
    assert_eq!(case_ids, (1..=case_ids.len() as i64).collect::<Vec<_>>());
    let mut tp_ids: Vec<i64> = all_touchpoints(bundles).map(|t| t.id.0).collect();
    tp_ids.sort_unstable();
    assert_eq!(tp_ids, (1..=tp_ids.len() as i64).collect::<Vec<_>>());
    for b in bundles {
        let mine: HashSet<_> = b.cases.iter().map(|c| c.id).collect();
        for t in &b.touchpoints {
            assert_eq!(t.customer_id, Some(b.customer.id));
            assert!(t.case_id.is_none_or(|c| mine.contains(&c)), "{} links to another customer's case", t.id);
        }
        for e in &b.events {
            assert_eq!(e.customer_id, b.customer.id);
            assert!(mine.contains(&e.case_id));
        }
        assert!(b.touchpoints.windows(2).all(|w| w[0].occurred_at <= w[1].occurred_at));
        assert!(b.events.windows(2).all(|w| w[0].at <= w[1].at));
    }
}

#[test]
fn identities_are_normalised_and_unique_across_customers() {
    let cx = IdentityContext::default();
    let mut owner: HashMap<&Identity, i64> = HashMap::new();
    let mut kinds = BTreeSet::new();
    for b in sample() {
        let c = &b.customer;
        assert!(c.identities.len() >= 2, "{}", c.name);
        assert!(c.created_at <= now());
        let ks: Vec<_> = c.identities.iter().map(Identity::kind).collect();
        assert!(ks.contains(&tideline_core::IdentityKind::Phone) && ks.contains(&tideline_core::IdentityKind::Email));
        for i in &c.identities {
            kinds.insert(i.kind());
            assert_eq!(&Identity::parse(i.kind(), i.value(), &cx).unwrap(), i, "not normal: {i}");
            if let Some(other) = owner.insert(i, c.id.0) {
                panic!("{i} belongs to C-{other} and {}", c.id);
            }
        }
        // Contacts on a channel come from the customer's own identity there.
        for t in &b.touchpoints {
            if let Some(i) = &t.identity {
                assert!(c.identities.contains(i), "{}: {i} is not {}'s", t.id, c.name);
            }
        }
    }
    assert_eq!(kinds.len(), tideline_core::IdentityKind::ALL.len(), "{kinds:?}");
    for t in sample().iter().flat_map(|b| &b.unlinked) {
        let i = t.identity.as_ref().expect("an unlinked contact has an identity");
        assert!(!owner.contains_key(i), "unlinked {i} matches a customer");
    }
}

#[test]
fn some_contacts_are_unlinked() {
    let unlinked: Vec<_> = sample().iter().flat_map(|b| &b.unlinked).collect();
    let customers_with = sample().iter().filter(|b| !b.unlinked.is_empty()).count();
    assert!((10..=60).contains(&customers_with), "{customers_with} of 600 customers");
    for t in &unlinked {
        assert_eq!((t.customer_id, t.case_id), (None, None));
        assert_eq!(t.direction, Direction::Inbound);
        assert!(t.identity.is_some());
    }
    let channels: BTreeSet<_> = unlinked.iter().map(|t| t.channel).collect();
    assert!(channels.len() >= 4, "{channels:?}");
}

/// Replays a case's events through the state machine from its opening.
fn replay(case: &Case, events: &[&CaseEvent]) -> Case {
    let CaseEventKind::Opened { subject, channel } = &events[0].kind else {
        panic!("{} does not start with Opened", case.id);
    };
    assert_eq!(events[0].at, case.opened_at);
    let first_priority = events
        .iter()
        .find_map(|e| match e.kind {
            CaseEventKind::PriorityChanged { from, .. } => Some(from),
            _ => None,
        })
        .unwrap_or(case.priority);
    let first_queue = events
        .iter()
        .find_map(|e| match &e.kind {
            CaseEventKind::Assigned { queue, .. } => Some(queue.clone()),
            _ => None,
        })
        .unwrap_or_else(|| case.queue.clone());
    let mut c = Case::open(case.id, case.customer_id, *channel, subject, first_priority, first_queue, case.opened_at);
    c.reasons = case.reasons.clone();
    let cat = ClosureCatalogue::default();
    for e in &events[1..] {
        let action = match &e.kind {
            CaseEventKind::Opened { .. } => panic!("opened twice"),
            CaseEventKind::Acknowledged => CaseAction::Acknowledge,
            CaseEventKind::Replied { body } => CaseAction::Reply { body: body.clone() },
            CaseEventKind::Noted { body } => CaseAction::AddNote { body: body.clone() },
            CaseEventKind::Assigned { assignee, queue } => {
                CaseAction::Assign { assignee: assignee.clone(), queue: Some(queue.clone()) }
            }
            CaseEventKind::Escalated { reason, .. } => CaseAction::Escalate { reason: reason.clone() },
            CaseEventKind::Pending => CaseAction::SetPending,
            CaseEventKind::Resumed => CaseAction::Resume,
            CaseEventKind::Resolved { closure_code, summary } => {
                CaseAction::Resolve { closure_code: closure_code.clone(), summary: summary.clone() }
            }
            CaseEventKind::Closed => CaseAction::Close,
            CaseEventKind::Reopened { reason } => CaseAction::Reopen { reason: reason.clone() },
            CaseEventKind::CustomerMessage => CaseAction::CustomerMessage,
            CaseEventKind::PriorityChanged { to, .. } => CaseAction::SetPriority { priority: *to },
            CaseEventKind::FlaggedRepeatContact => CaseAction::FlagRepeatContact,
        };
        let (next, ev) = c.apply(&action, &e.actor, e.at, &cat).unwrap_or_else(|err| panic!("{}: {err}", case.id));
        assert_eq!(&&ev, e);
        c = next;
    }
    c
}

#[test]
fn case_histories_replay_to_the_final_state() {
    let cat = ClosureCatalogue::default();
    for b in sample() {
        let mut by_case: HashMap<_, Vec<&CaseEvent>> = HashMap::new();
        for e in &b.events {
            by_case.entry(e.case_id).or_default().push(e);
        }
        for case in &b.cases {
            let events = &by_case[&case.id];
            assert!(events.iter().all(|e| e.at <= now()));
            assert_eq!(&replay(case, events), case);
            assert!(!case.reasons.is_empty());
            assert!(queues().contains(&case.queue.as_str()), "{}", case.queue);
            assert!(case.assignee.as_deref().is_none_or(|a| agents().contains(&a)));
            if matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed) {
                let closure = case.closure.as_ref().unwrap();
                assert!(cat.contains(&closure.code) && !closure.summary.trim().is_empty());
            }
        }
    }
}

#[test]
fn cases_cover_every_status_priority_queue_and_the_main_reasons() {
    let cases: Vec<&Case> = sample().iter().flat_map(|b| &b.cases).collect();
    let statuses: BTreeSet<_> = cases.iter().map(|c| c.status.as_str()).collect();
    assert_eq!(statuses.len(), CaseStatus::ALL.len(), "{statuses:?}");
    let priorities: BTreeSet<_> = cases.iter().map(|c| c.priority).collect();
    assert_eq!(priorities.len(), Priority::ALL.len());
    let queues_used: BTreeSet<_> = cases.iter().map(|c| c.queue.as_str()).collect();
    assert!(queues_used.len() >= 6, "{queues_used:?}");
    let tags: BTreeSet<_> = cases.iter().flat_map(|c| c.reasons.iter().map(String::as_str)).collect();
    for tag in [
        "card_declined",
        "lost_card",
        "fraud_report",
        "app_login",
        "direct_debit",
        "mortgage_payment",
        "fees_dispute",
        "branch_service",
    ] {
        assert!(tags.contains(tag), "{tag} missing from {tags:?}");
    }
    let events: Vec<_> = sample().iter().flat_map(|b| &b.events).collect();
    let reopened = events.iter().filter(|e| matches!(e.kind, CaseEventKind::Reopened { .. })).count();
    let escalated = events.iter().filter(|e| matches!(e.kind, CaseEventKind::Escalated { .. })).count();
    let pending = events.iter().filter(|e| matches!(e.kind, CaseEventKind::Pending)).count();
    assert!(
        reopened >= 10 && escalated >= 10 && pending >= 50,
        "{reopened} reopened, {escalated} escalated, {pending} pending"
    );
    let reopened_active = cases.iter().filter(|c| c.status == CaseStatus::Open && !c.paused.is_empty()).count();
    assert!(reopened_active > 0);
    let closed = cases.iter().filter(|c| c.status == CaseStatus::Closed).count();
    assert!(closed * 2 > cases.len(), "most history is closed: {closed} of {}", cases.len());
}

#[test]
fn customers_contact_again_about_the_same_reason_within_a_week() {
    let mut repeaters = 0;
    for b in sample() {
        let mut openings: HashMap<&str, Vec<Timestamp>> = HashMap::new();
        for c in &b.cases {
            openings.entry(c.reasons[0].as_str()).or_default().push(c.opened_at);
        }
        let week = SignedDuration::from_hours(7 * 24);
        let repeated = openings.values().any(|times| times.windows(2).any(|w| w[1].duration_since(w[0]) <= week));
        let flagged = b.cases.iter().any(|c| c.repeat_contact);
        if repeated && flagged {
            repeaters += 1;
        }
    }
    assert!(repeaters >= 20, "{repeaters} customers with repeat contacts");
    // Some reach three or four contacts in the week and are escalated.
    let third = sample()
        .iter()
        .flat_map(|b| &b.events)
        .filter(|e| matches!(&e.kind, CaseEventKind::Escalated { reason, .. } if reason.starts_with("Third contact")))
        .count();
    assert!(third > 0);
}

#[test]
fn some_customers_hop_from_a_call_to_a_public_post_on_the_same_case() {
    let mut hops = 0;
    for b in sample() {
        for c in b.cases.iter().filter(|c| matches!(c.channel, Channel::Phone | Channel::Branch)) {
            let public_next_day = b.touchpoints.iter().any(|t| {
                t.case_id == Some(c.id)
                    && t.channel.is_social()
                    && t.direction == Direction::Inbound
                    && t.facts.public == Some(true)
                    && t.occurred_at > c.opened_at
                    && t.occurred_at.duration_since(c.opened_at) <= SignedDuration::from_hours(60)
            });
            if public_next_day {
                hops += 1;
                assert!(c.repeat_contact, "{} hopped channel but is not flagged", c.id);
            }
        }
    }
    assert!(hops >= 10, "{hops} channel hops");
}

#[test]
fn history_spans_three_years_and_never_passes_now() {
    let oldest = all_touchpoints(sample()).map(|t| t.occurred_at).min().unwrap();
    let newest = all_touchpoints(sample()).map(|t| t.occurred_at).max().unwrap();
    let span = now().duration_since(oldest);
    assert!(span > SignedDuration::from_hours(24 * 365 * 2 + 24 * 300), "only {span:?} of history");
    assert!(span < SignedDuration::from_hours(24 * 365 * 3 + 24 * 60), "{span:?}");
    assert!(newest <= now() && now().duration_since(newest) < SignedDuration::from_hours(2));
    for c in sample().iter().flat_map(|b| &b.cases) {
        for t in
            [Some(c.opened_at), c.first_response_at, c.last_update_at, c.resolved_at, c.closed_at].into_iter().flatten()
        {
            assert!(t <= now());
        }
    }
}

fn sla_mix(now: Timestamp) -> BTreeMap<&'static str, usize> {
    let policy = SlaPolicy::default();
    let mut mix = BTreeMap::new();
    let cfg = DemoConfig::new(400, 3, now);
    for b in generate(&cfg) {
        for c in b.cases.iter().filter(|c| c.status.is_active()) {
            let clocks = case_clocks(c, &policy, now);
            for clock in clocks.iter().filter(|k| k.kind == ClockKind::FirstResponse && k.is_running()) {
                let key = match clock.state {
                    ClockState::Ok => "ok",
                    ClockState::Warning => "warning",
                    ClockState::Breached => "breached",
                    _ => unreachable!(),
                };
                *mix.entry(key).or_default() += 1;
            }
            *mix.entry("active").or_default() += 1;
        }
    }
    mix
}

#[test]
fn active_cases_are_spread_over_ok_warning_and_breached() {
    // A weekday afternoon, then Easter Sunday evening (Good Friday and Easter Monday are
    // bank holidays), when the clocks have been standing still since Thursday.
    for now in [now(), "2026-04-05T18:00:00Z".parse().unwrap()] {
        let mix = sla_mix(now);
        let active = mix["active"];
        for band in ["ok", "warning", "breached"] {
            let n = mix.get(band).copied().unwrap_or(0);
            assert!(n * 100 >= active * 3, "{band}: {n} of {active} active cases at {now}: {mix:?}");
        }
    }
}

#[test]
fn for_touchpoints_hits_the_requested_total() {
    for n in [20_000, 5_000] {
        let cfg = DemoConfig::for_touchpoints(n, 11, now());
        let total = total_touchpoints(&cfg);
        let off = (total as f64 - n as f64).abs() / n as f64;
        assert!(off <= 0.10, "{total} touchpoints for {n} ({} customers)", cfg.customers);
    }
    // Benchmark sizes include heavy customers, whose timelines fill many pages.
    let cfg = DemoConfig::for_touchpoints(20_000, 11, now());
    let longest = generate(&cfg).map(|b| b.touchpoints.len()).max().unwrap();
    assert!(longest >= 2_000, "{longest}");
}

#[test]
fn heavy_customers_are_busy_business_accounts() {
    let cfg = DemoConfig { heavy_every: Some(10), ..DemoConfig::new(20, 5, now()) };
    let bundles: Vec<_> = generate(&cfg).collect();
    for (i, b) in bundles.iter().enumerate() {
        let n = b.touchpoints.len();
        if (i + 1) % 10 == 0 {
            assert!((2_000..=5_000).contains(&n), "heavy customer {} has {n}", b.customer.id);
            let first = b.touchpoints.first().unwrap().occurred_at;
            assert!(now().duration_since(first) > SignedDuration::from_hours(24 * 365 * 2));
            assert!(
                b.customer.name.ends_with("Ltd")
                    || b.customer.name.contains("LLP")
                    || b.customer.name.contains("Co-operative")
            );
            assert!(b.cases.iter().filter(|c| c.status.is_active()).count() >= 2);
        } else {
            assert!(n < 500, "{n}");
        }
    }
    let scaled = DemoConfig::for_touchpoints(100_000, 5, now()).with_heavy_every(50);
    assert_eq!(scaled.heavy_every, Some(50));
    let expected = scaled.expected_touchpoints() as f64;
    assert!((expected - 100_000.0).abs() < 2_500.0, "{expected}");
}

#[test]
fn actors_are_the_demo_agents_the_customer_or_the_system() {
    for t in all_touchpoints(sample()) {
        match (&t.actor, t.direction) {
            (Actor::Customer, Direction::Inbound) => {}
            (Actor::Agent(a), Direction::Outbound) => assert!(agents().contains(&a.as_str()), "{a}"),
            (Actor::System, Direction::Outbound) => {}
            other => panic!("{}: unexpected {other:?}", t.id),
        }
    }
}

fn total_touchpoints(cfg: &DemoConfig) -> usize {
    generate(cfg).map(|b| b.touchpoints.len() + b.unlinked.len()).sum()
}

/// The averages behind `for_touchpoints` and `expected_touchpoints` (the constants in
/// lib.rs) must follow the generator when it changes.
#[test]
fn calibration_matches_the_generator() {
    let cfg = DemoConfig::new(3_000, 99, now());
    let (got, want) = (total_touchpoints(&cfg) as f64, cfg.expected_touchpoints() as f64);
    assert!((got - want).abs() / want < 0.06, "ordinary customers: {got} touchpoints, expected {want}");
    let cfg = DemoConfig { heavy_every: Some(1), ..DemoConfig::new(24, 99, now()) };
    let (got, want) = (total_touchpoints(&cfg) as f64, cfg.expected_touchpoints() as f64);
    assert!((got - want).abs() / want < 0.08, "heavy customers: {got} touchpoints, expected {want}");
}

/// `cargo test --release -p tideline-demo -- --ignored --nocapture` prints the speed.
#[test]
#[ignore = "a benchmark-sized run; use --release"]
fn a_million_touchpoints() {
    let cfg = DemoConfig::for_touchpoints(1_000_000, 1, now());
    let started = std::time::Instant::now();
    let (mut touchpoints, mut cases, mut events) = (0, 0, 0);
    for b in generate(&cfg) {
        touchpoints += b.touchpoints.len() + b.unlinked.len();
        cases += b.cases.len();
        events += b.events.len();
    }
    let took = started.elapsed();
    println!(
        "{touchpoints} touchpoints, {cases} cases, {events} events for {} customers in {took:.2?} ({:.0} touchpoints/s)",
        cfg.customers,
        touchpoints as f64 / took.as_secs_f64()
    );
    assert!((900_000..=1_100_000).contains(&touchpoints));
}

#[test]
fn largest_history_gives_the_first_customer_that_many_touchpoints() {
    let cfg = DemoConfig { largest_history: Some(8_000), ..DemoConfig::new(3, 11, now()) };
    let bundles: Vec<_> = generate(&cfg).collect();
    let first = bundles[0].touchpoints.len() as f64;
    assert!((first - 8_000.0).abs() < 8_000.0 * 0.15, "{first}");
    assert!(bundles[1..].iter().all(|b| b.touchpoints.len() < 1_000), "only C-1 is made heavy");
}
