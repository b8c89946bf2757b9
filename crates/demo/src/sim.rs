//! The per-customer simulation: plan a customer's contacts over their tenure, then play
//! each story through the case state machine, writing touchpoints as they happen.
//!
//! Every step checks its time against `now`: a story that would run past `now` simply
//! stops there, leaving its case in whatever state it has reached, as a real history
//! would. Active cases are also planned on purpose, placed back from `now` by business
//! time so their first-response clocks land in the ok, warning or breached band.

use crate::clock::{Calendar, DAY, HOUR, MIN, ts, weekday};
use crate::people::{Persona, Profile, make_profile};
use crate::reasons::{
    GENERIC_CHASERS, HOP_POSTS, ONE_OFFS, PENDING_NUDGES, PUBLIC_ACKS, REASONS, REOPEN_REASONS, REOPEN_REPLIES, Reason,
    UPDATES, Who,
};
use crate::rng::{Rng, mix};
use crate::text::{Slots, render};
use crate::words::{AGENT_NAMES, AGENTS, BANK, BANK_HANDLE, BILLERS, BRANCHES, DEVICES, MERCHANTS, PAYEES, SCAMMERS};
use crate::{CustomerBundle, DemoConfig};
use tideline_core::intake;
use tideline_core::sla::SlaPolicy;
use tideline_core::{
    Actor, Case, CaseAction, CaseEvent, CaseId, Channel, ChannelFacts, ClosureCatalogue, Customer, CustomerId,
    Direction, Identity, IdentityContext, IdentityKind, Priority, Touchpoint, TouchpointId,
};

/// Cases resolved this long ago are closed by the system.
const AUTO_CLOSE: i64 = 7 * DAY;
/// X's snowflake epoch, in milliseconds.
const TWEPOCH_MS: i64 = 1_288_834_974_657;

/// Where an active case's first-response clock is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Band {
    Ok,
    Warning,
    Breached,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Standard,
    Repeat,
    Hop,
    OneOff,
    Unlinked,
    New(Band),
    Open,
    Pending,
    Resolved,
    Reopened,
}

#[derive(Debug, Clone, Copy)]
struct Plan {
    t0: i64,
    kind: Kind,
    reason: usize,
    ch: Channel,
    public: bool,
    prio: Priority,
}

/// Per-story slot values: one merchant, amount, card for the whole story.
#[derive(Debug, Clone, Copy)]
struct Vals {
    merchant: &'static str,
    biller: &'static str,
    payee: &'static str,
    device: &'static str,
    scam: &'static str,
    branch: usize,
    amount: u64,
    big: u64,
    fee: u64,
    mortgage: u64,
    rate: u32,
    newcard: u16,
    date: (u8, u8, u8),
    days: u32,
    case_ref: i64,
    app: (u8, u8),
    agent: usize,
    /// Which of a reason's matching templates this story uses.
    variant: usize,
}

/// What the whole run shares: read-only after construction.
pub(crate) struct Shared {
    now: i64,
    seed: u64,
    heavy_every: Option<usize>,
    largest_history: Option<usize>,
    cal: Calendar,
    policy: SlaPolicy,
    catalogue: ClosureCatalogue,
    cx: IdentityContext,
    personal: Vec<u32>,
    business: Vec<u32>,
    rotation: u64,
}

impl Shared {
    pub(crate) fn new(cfg: &DemoConfig) -> Self {
        let weights = |ok: fn(Who) -> bool| REASONS.iter().map(|r| if ok(r.who) { r.weight } else { 0 }).collect();
        let policy = SlaPolicy::default();
        Shared {
            now: cfg.now.as_second(),
            seed: cfg.seed,
            heavy_every: cfg.heavy_every,
            largest_history: cfg.largest_history,
            cal: Calendar::from_business_calendar(&policy.calendar),
            policy,
            catalogue: ClosureCatalogue::default(),
            cx: IdentityContext::default(),
            personal: weights(|w| w != Who::Business),
            business: weights(|w| w != Who::Personal),
            rotation: mix(cfg.seed, 0x5EED) % crate::people::DRAMA_POOL,
        }
    }

    pub(crate) fn is_heavy(&self, idx: u64) -> bool {
        self.heavy_every.is_some_and(|k| k > 0 && (idx + 1).is_multiple_of(k as u64))
    }
}

/// Builds customer `idx` (0-based). Case and touchpoint ids start at the given values;
/// returns the bundle and the next free case and touchpoint ids.
pub(crate) fn build_customer(s: &Shared, idx: u64, next_case: i64, next_tp: i64) -> (CustomerBundle, i64, i64) {
    let mut rng = Rng::new(mix(s.seed, idx));
    // Customer C-1 may be asked to carry a history of a given size (performance checks).
    let target = s.largest_history.filter(|_| idx == 0).map(|n| n as i64);
    let heavy = s.is_heavy(idx) || target.is_some();
    let p = make_profile(idx, heavy, s.rotation, &mut rng, &s.cx);
    let mut b = Builder {
        s,
        rng,
        p,
        id: CustomerId(idx as i64 + 1),
        tps: Vec::new(),
        cases: Vec::new(),
        events: Vec::new(),
        next_case,
        strangers: 0,
    };
    let created = b.plan_and_play(heavy, target);
    b.finish(created, next_tp)
}

struct Builder<'s> {
    s: &'s Shared,
    rng: Rng,
    p: Profile,
    id: CustomerId,
    tps: Vec<Touchpoint>,
    cases: Vec<Case>,
    events: Vec<CaseEvent>,
    next_case: i64,
    strangers: u64,
}

impl Builder<'_> {
    // ----- planning -------------------------------------------------------------------

    fn plan_and_play(&mut self, heavy: bool, target: Option<i64>) -> i64 {
        let now = self.s.now;
        let now_day = now.div_euclid(DAY);
        let (tenure_days, stories, one_offs, current) = if heavy {
            let tenure = self.rng.between(2 * 365, 3 * 365);
            // Sized so the total lands near `target` (see the calibration test).
            let target = target.unwrap_or_else(|| self.rng.between(2_400, 4_400));
            let stories = target * 9 / 50;
            let one_offs = target * 9 / 40;
            (tenure, stories, one_offs, self.rng.between(3, 6))
        } else {
            // Most customers have banked with us for years; some joined recently.
            let tenure = if self.rng.percent(70) { self.rng.range(365, 3 * 365 + 20) } else { self.rng.range(30, 365) };
            let rate = [0.7, 1.3, 2.2, 3.8, 6.0][self.rng.weighted(&[30, 30, 22, 12, 6])];
            let years = tenure as f64 / 365.0;
            let stories = (years * rate + self.rng.unit()) as i64;
            let one_offs = (years * rate * 0.8 + self.rng.unit()) as i64;
            let current = i64::from(self.rng.percent(24));
            (tenure, stories.max(1), one_offs, current)
        };
        let created = now - tenure_days * DAY - self.rng.range(0, DAY);
        let first_day = created.div_euclid(DAY) + 1;
        let mut plans = Vec::with_capacity((stories + one_offs + current + 2) as usize);
        for _ in 0..stories {
            let kind = match self.rng.weighted(&[76, 14, 10]) {
                1 => Kind::Repeat,
                2 if self.has_social() => Kind::Hop,
                _ => Kind::Standard,
            };
            let day = self.rng.range(first_day, now_day + 1);
            plans.push(self.plan(kind, day));
        }
        for _ in 0..one_offs {
            let day = self.rng.range(first_day, now_day + 1);
            plans.push(self.plan(Kind::OneOff, day));
        }
        let unlinked = if heavy { self.rng.between(2, 5) } else { i64::from(self.rng.percent(5)) };
        for _ in 0..unlinked {
            let day = self.rng.range((now_day - 365).max(first_day), now_day + 1);
            plans.push(self.plan(Kind::Unlinked, day));
        }
        for _ in 0..current {
            let kind = match self.rng.weighted(&[34, 26, 16, 14, 10]) {
                0 => Kind::New([Band::Ok, Band::Warning, Band::Breached][self.rng.weighted(&[45, 22, 33])]),
                1 => Kind::Open,
                2 => Kind::Pending,
                3 => Kind::Resolved,
                _ => Kind::Reopened,
            };
            let plan = self.plan_current(kind);
            plans.push(plan);
        }
        plans.sort_by_key(|p| p.t0);
        for plan in &plans {
            // A story stops at the first step that would be after `now`.
            let _ = self.play(plan);
        }
        created
    }

    fn has_social(&self) -> bool {
        self.p.x.is_some() || self.p.facebook.is_some() || self.p.instagram.is_some()
    }

    fn pick_reason(&mut self) -> usize {
        let w = if self.p.persona == Persona::Business { &self.s.business } else { &self.s.personal };
        self.rng.weighted(w)
    }

    fn pick_channel(&mut self, reason: usize) -> Channel {
        let prefs = self.p.persona.prefs();
        let r = &REASONS[reason];
        let mut w = [0u32; 9];
        for (i, ch) in Channel::ALL.into_iter().enumerate() {
            if self.p.can_use(ch) {
                w[i] = prefs[i] * r.channels[i];
            }
        }
        if w.iter().all(|&x| x == 0) {
            return Channel::Phone;
        }
        Channel::ALL[self.rng.weighted(&w)]
    }

    /// When a customer gets in touch on `day` (local) through `ch`.
    fn contact_time(&mut self, day: i64, ch: Channel) -> i64 {
        let (lo, hi, sunday_ok) = match ch {
            Channel::Branch => (9 * HOUR, 16 * HOUR + 30 * MIN, false),
            Channel::Phone => (8 * HOUR, 20 * HOUR, false),
            _ => (7 * HOUR, 23 * HOUR + 30 * MIN, true),
        };
        let day = if !sunday_ok && weekday(day) == 6 { day + 1 } else { day };
        self.s.cal.at(day, self.rng.range(lo, hi))
    }

    fn plan(&mut self, kind: Kind, day: i64) -> Plan {
        let reason = self.pick_reason();
        let ch = match kind {
            Kind::Hop => {
                if self.rng.percent(80) {
                    Channel::Phone
                } else {
                    Channel::Branch
                }
            }
            _ => self.pick_channel(reason),
        };
        let t0 = self.contact_time(day, ch);
        let prio = self.priority(&REASONS[reason]);
        Plan { t0, kind, reason, ch, public: ch.is_social() && self.rng.percent(65), prio }
    }

    fn plan_current(&mut self, kind: Kind) -> Plan {
        let now = self.s.now;
        let reason = self.pick_reason();
        let ch = self.pick_channel(reason);
        let prio = self.priority(&REASONS[reason]);
        let cal = &self.s.cal;
        let t0 = match kind {
            Kind::New(band) => {
                // By construction from the policy's own target and warning threshold.
                let targets = self.s.policy.targets(ch, prio);
                let target = targets.first_response.map_or(HOUR, |d| d.as_secs());
                let warn = i64::from(targets.warn_at_percent).clamp(20, 90);
                let pct = match band {
                    Band::Ok => self.rng.between(5, warn - 10),
                    Band::Warning => self.rng.between(warn + 3, 97),
                    Band::Breached => self.rng.between(115, 500),
                };
                cal.sub_business(now, target * pct / 100)
            }
            Kind::Open | Kind::Pending => cal.sub_business(now, self.rng.skewed(3 * HOUR, 5 * 12 * HOUR)),
            Kind::Resolved => now - self.rng.range(DAY, 6 * DAY),
            _ => now - self.rng.range(8 * DAY, 30 * DAY),
        };
        Plan { t0, kind, reason, ch, public: ch.is_social() && self.rng.percent(65), prio }
    }

    fn vals(&mut self, t0: i64) -> Vals {
        let (day, _) = self.s.cal.day_and_time(t0);
        let date = civil(day - self.rng.range(0, 4));
        let r = &mut self.rng;
        Vals {
            merchant: r.word(MERCHANTS),
            biller: r.word(BILLERS),
            payee: r.word(PAYEES),
            device: if r.percent(80) { self.p.device } else { r.word(DEVICES) },
            scam: r.word(SCAMMERS),
            branch: if r.percent(85) { self.p.branch } else { r.index(BRANCHES.len()) },
            amount: r.skewed(350, 25_000) as u64,
            big: (r.skewed(300, 9_000) * 100 + [0, 0, 50, 99][r.index(4)]) as u64,
            fee: [600, 1200, 1500, 2500, 3500][r.index(5)],
            mortgage: r.range(65_000, 240_000) as u64,
            rate: r.between(389, 589) as u32,
            newcard: r.below(10_000) as u16,
            date,
            days: r.between(3, 14) as u32,
            case_ref: 0,
            app: (7, r.between(30, 60) as u8),
            agent: r.index(AGENTS.len()),
            variant: r.index(6),
        }
    }

    // ----- rendering --------------------------------------------------------------------

    fn slots(&self, v: &Vals) -> Slots<'_> {
        Slots {
            first: self.p.first,
            last: self.p.last,
            business: &self.p.business,
            agent: AGENT_NAMES[v.agent],
            merchant: v.merchant,
            biller: v.biller,
            payee: v.payee,
            device: v.device,
            scam: v.scam,
            branch: BRANCHES[v.branch].name,
            amount: v.amount,
            big: v.big,
            fee: v.fee,
            mortgage: v.mortgage,
            rate: v.rate,
            card: self.p.card,
            newcard: v.newcard,
            acct: self.p.acct,
            date: v.date,
            days: v.days,
            case_ref: v.case_ref,
            app: v.app,
        }
    }

    /// The template of this story's variant: a story's subject, opening, notes, reply
    /// and outcome are written to go together.
    fn tell(&self, list: &[&str], v: &Vals) -> String {
        render(list[v.variant % list.len()], &self.slots(v))
    }

    fn say(&mut self, list: &[&str], v: &Vals) -> String {
        let tpl = *self.rng.pick(list);
        render(tpl, &self.slots(v))
    }

    /// The customer's words wrapped the way `ch` carries them: (summary, body).
    fn inbound_text(
        &self,
        ch: Channel,
        public: bool,
        subject: &str,
        text: String,
        v: &Vals,
    ) -> (String, Option<String>) {
        let p = &self.p;
        match ch {
            Channel::Branch => (
                format!("Branch visit ({}): {subject}", BRANCHES[v.branch].name),
                Some(format!("Customer said: \"{text}\"")),
            ),
            Channel::Phone => (format!("Call: {subject}"), Some(format!("Customer said: \"{text}\""))),
            Channel::Email => {
                let sign = if p.business.is_empty() { String::new() } else { format!("\n{}", p.business) };
                (subject.to_string(), Some(format!("Hi,\n\n{text}\n\nThanks,\n{} {}{sign}", p.first, p.last)))
            }
            Channel::WebForm => (
                format!("Web form: {subject}"),
                Some(format!("Name: {} {}\nAccount ending: {:04}\n\n{text}", p.first, p.last, p.acct)),
            ),
            Channel::Chat => (format!("Chat: {subject}"), Some(format!("{}: {text}", p.first))),
            Channel::Sms => (text, None),
            Channel::X | Channel::Facebook | Channel::Instagram => {
                if public && !text.contains('@') {
                    (format!("@{BANK_HANDLE} {text}"), None)
                } else {
                    (text, None)
                }
            }
        }
    }

    /// Our words wrapped the way `ch` carries them: (summary, body).
    fn outbound_text(&self, ch: Channel, public: bool, subject: &str, msg: &str, v: &Vals) -> (String, Option<String>) {
        let p = &self.p;
        let agent = AGENT_NAMES[v.agent];
        match ch {
            Channel::Email | Channel::WebForm => (
                format!("Re: {subject}"),
                Some(format!(
                    "Dear {},\n\n{msg}\n\nKind regards,\n{agent}\n{BANK} Customer Care\nYour reference: CS-{}",
                    p.first, v.case_ref
                )),
            ),
            Channel::Sms => (format!("{BANK}: {msg}"), None),
            Channel::Phone | Channel::Branch => {
                (format!("Outbound call: {subject}"), Some(format!("Called {} back and explained: {msg}", p.first)))
            }
            Channel::Chat => (format!("Chat: {subject}"), Some(format!("Agent ({agent}): {msg}"))),
            Channel::X | Channel::Instagram if public => match self.p.identity_for(ch) {
                Some(h) => (format!("{h} {msg}"), None),
                None => (msg.to_string(), None),
            },
            _ => (msg.to_string(), None),
        }
    }

    // ----- primitives -------------------------------------------------------------------

    fn agent_actor(v: &Vals) -> Actor {
        Actor::agent(AGENTS[v.agent])
    }

    /// `from` plus a skewed business delay between `lo` and `hi`.
    fn agent_after(&mut self, from: i64, lo: i64, hi: i64) -> i64 {
        let d = self.rng.skewed(lo, hi);
        self.s.cal.add_business(from, d) + self.rng.range(0, 60)
    }

    fn open_case(&mut self, t0: i64, ch: Channel, r: &Reason, prio: Priority, subject: &str) -> Option<usize> {
        if t0 > self.s.now {
            return None;
        }
        let id = CaseId(self.next_case);
        self.next_case += 1;
        // The same intake rule as real traffic: the route gives queue and priority.
        let route = intake::Route { queue: r.queue.to_string(), priority: prio };
        let (case, opened) = intake::open_case(id, self.id, ch, subject, &route, vec![r.tag.to_string()], ts(t0));
        self.events.push(opened);
        self.cases.push(case);
        Some(self.cases.len() - 1)
    }

    fn act(&mut self, ci: usize, action: CaseAction, actor: Actor, at: i64) -> Option<()> {
        if at > self.s.now {
            return None;
        }
        let (next, event) = self.cases[ci]
            .apply(&action, &actor, ts(at), &self.s.catalogue)
            .unwrap_or_else(|e| panic!("demo generator bug: {} on {:?}: {e}", action.name(), self.cases[ci].status));
        self.cases[ci] = next;
        self.events.push(event);
        Some(())
    }

    fn status(&self, ci: usize) -> tideline_core::CaseStatus {
        self.cases[ci].status
    }

    fn social_url(&mut self, ch: Channel, at: i64, inbound: bool, handle: Option<&Identity>) -> String {
        let r = self.rng.next_u64();
        match ch {
            Channel::X => {
                let id = ((at * 1000 + (r % 1000) as i64 - TWEPOCH_MS) << 22) | ((r >> 20) & 0x3F_FFFF) as i64;
                let who = match (inbound, handle) {
                    (true, Some(h)) => h.value().to_string(),
                    _ => BANK_HANDLE.to_string(),
                };
                format!("https://x.com/{who}/status/{id}")
            }
            Channel::Facebook => format!(
                "https://www.facebook.com/{BANK_HANDLE}/posts/{}?comment_id={}",
                100_000_000_000_000 + (r % 900_000_000_000_000),
                1_000_000_000_000 + (r >> 24) % 9_000_000_000_000
            ),
            _ => {
                const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                let code: String = (0..11).map(|i| B64[((r >> (i * 5)) & 63) as usize] as char).collect();
                format!(
                    "https://www.instagram.com/p/{code}/c/{}/",
                    17_800_000_000_000_000 + (r >> 8) % 100_000_000_000_000
                )
            }
        }
    }

    /// Records a touchpoint (with channel facts) unless `at` is after `now`. Returns the
    /// call length for phone calls (0 otherwise).
    #[allow(clippy::too_many_arguments)]
    fn touch(
        &mut self,
        at: i64,
        ch: Channel,
        dir: Direction,
        actor: Actor,
        case: Option<usize>,
        text: (String, Option<String>),
        public: bool,
    ) -> Option<i64> {
        if at > self.s.now {
            return None;
        }
        let inbound = dir == Direction::Inbound;
        let mut facts = ChannelFacts::default();
        let mut secs = 0;
        match ch {
            Channel::Phone => {
                secs = if inbound { self.rng.skewed(75, 1_900) } else { self.rng.skewed(45, 700) };
                facts.call_duration_secs = Some(secs as u32);
            }
            Channel::Branch => facts.branch_id = Some(BRANCHES[self.branch_for(&text)].id.to_string()),
            c if c.is_social() => {
                facts.public = Some(public);
                if public {
                    let handle = self.p.identity_for(ch).cloned();
                    facts.post_url = Some(self.social_url(ch, at, inbound, handle.as_ref()));
                }
            }
            _ => {}
        }
        self.tps.push(Touchpoint {
            id: TouchpointId(0),
            customer_id: Some(self.id),
            case_id: case.map(|ci| self.cases[ci].id),
            channel: ch,
            direction: dir,
            actor,
            occurred_at: ts(at),
            identity: self.p.identity_for(ch).cloned(),
            summary: text.0,
            body: text.1,
            facts,
        });
        Some(secs)
    }

    /// The branch named in a branch touchpoint's summary, else the home branch.
    fn branch_for(&self, text: &(String, Option<String>)) -> usize {
        BRANCHES.iter().position(|b| text.0.contains(b.name)).unwrap_or(self.p.branch)
    }

    /// The customer writes or calls about case `ci`.
    fn customer_msg(&mut self, ci: usize, at: i64, ch: Channel, public: bool, text: String, v: &Vals) -> Option<i64> {
        let subject = self.cases[ci].subject.clone();
        let t = self.inbound_text(ch, public, &subject, text, v);
        let secs = self.touch(at, ch, Direction::Inbound, Actor::Customer, Some(ci), t, public)?;
        self.act(ci, CaseAction::CustomerMessage, Actor::Customer, at)?;
        Some(secs)
    }

    /// An agent replies on `ch`: a Reply action and the outbound touchpoint.
    fn reply(&mut self, ci: usize, at: i64, ch: Channel, public: bool, msg: String, v: &Vals) -> Option<()> {
        if at > self.s.now {
            return None;
        }
        let subject = self.cases[ci].subject.clone();
        let t = self.outbound_text(ch, public, &subject, &msg, v);
        self.act(ci, CaseAction::Reply { body: msg }, Self::agent_actor(v), at)?;
        self.touch(at, ch, Direction::Outbound, Self::agent_actor(v), Some(ci), t, public)?;
        Some(())
    }

    fn reply_channel(&mut self, ch: Channel) -> Channel {
        match ch {
            Channel::Branch => [Channel::Phone, Channel::Email][self.rng.index(2)],
            Channel::Phone => [Channel::Phone, Channel::Sms, Channel::Email][self.rng.weighted(&[5, 2, 3])],
            Channel::WebForm => Channel::Email,
            Channel::Chat => [Channel::Email, Channel::Chat][self.rng.weighted(&[7, 3])],
            other => other,
        }
    }

    fn opening(&mut self, r: &Reason, ch: Channel, public: bool, v: &Vals) -> String {
        // Public posts are short; texts are sometimes short, sometimes a paragraph.
        if public || (ch == Channel::Sms && self.rng.percent(50)) {
            self.tell(r.short, v)
        } else {
            self.tell(r.opening, v)
        }
    }

    fn resolve(&mut self, ci: usize, r: &Reason, at: i64, v: &Vals) -> Option<()> {
        let (code, tpl) = r.resolutions[v.variant % r.resolutions.len()];
        let summary = render(tpl, &self.slots(v));
        self.act(ci, CaseAction::Resolve { closure_code: code.to_string(), summary }, Self::agent_actor(v), at)
    }

    /// When the system closes a resolved case that nobody touches again.
    fn close_time(&mut self, ci: usize) -> Option<i64> {
        let resolved = self.cases[ci].resolved_at?.as_second();
        Some(resolved + AUTO_CLOSE + self.rng.range(0, 3 * HOUR))
    }

    fn close_later(&mut self, ci: usize) -> Option<()> {
        let at = self.close_time(ci)?;
        self.act(ci, CaseAction::Close, Actor::System, at)
    }

    // ----- stories ------------------------------------------------------------------------

    fn play(&mut self, plan: &Plan) -> Option<()> {
        match plan.kind {
            Kind::Standard => self.standard(plan),
            Kind::Repeat => self.repeat(plan),
            Kind::Hop => self.hop(plan),
            Kind::OneOff => self.one_off(plan),
            Kind::Unlinked => self.unlinked(plan),
            Kind::New(_) => self.current_new(plan),
            Kind::Open | Kind::Pending => self.current_open(plan),
            Kind::Resolved => self.current_resolved(plan),
            Kind::Reopened => self.current_reopened(plan),
        }
    }

    fn priority(&mut self, r: &Reason) -> Priority {
        Priority::ALL[self.rng.weighted(&r.priority)]
    }

    /// Opens the case with the customer's first contact. Returns (case, vals, call secs).
    fn first_contact(&mut self, plan: &Plan, prio: Priority, waiting: bool) -> Option<(usize, Vals, i64)> {
        let r = &REASONS[plan.reason];
        let mut v = self.vals(plan.t0);
        v.variant = self.rng.index(r.opening.len());
        let subject = self.tell(r.subjects, &v);
        let ci = self.open_case(plan.t0, plan.ch, r, prio, &subject)?;
        v.case_ref = self.cases[ci].id.0;
        let text = self.opening(r, plan.ch, plan.public, &v);
        let mut t = self.inbound_text(plan.ch, plan.public, &subject, text, &v);
        if waiting {
            match plan.ch {
                Channel::Phone => {
                    t.0 = format!("Voicemail: {subject}");
                }
                Channel::Branch => {
                    t.0 = format!("Branch referral ({}): {subject}", BRANCHES[v.branch].name);
                }
                _ => {}
            }
        }
        let secs = self.touch(plan.t0, plan.ch, Direction::Inbound, Actor::Customer, Some(ci), t, plan.public)?;
        Some((ci, v, secs))
    }

    /// Routing, then the first response. Returns when it happened and whether the case
    /// was resolved there and then (first-contact resolution on a call or visit).
    fn first_response(&mut self, ci: usize, plan: &Plan, v: &Vals, secs: i64) -> Option<(i64, bool)> {
        let r = &REASONS[plan.reason];
        let t0 = plan.t0;
        let agent = Self::agent_actor(v);
        match plan.ch {
            Channel::Phone | Channel::Branch => {
                let end = t0 + secs.max(5 * MIN);
                let assign = CaseAction::Assign { assignee: Some(AGENTS[v.agent].to_string()), queue: None };
                self.act(ci, assign, agent.clone(), t0 + 20)?;
                self.act(ci, CaseAction::Acknowledge, agent.clone(), end)?;
                let note = self.tell(r.notes, v);
                self.act(ci, CaseAction::AddNote { body: note }, agent, end + 30)?;
                if self.rng.percent(45) {
                    self.resolve(ci, r, end + 60, v)?;
                    return Some((end + 60, true));
                }
                Some((end + 60, false))
            }
            ch => {
                let queue = CaseAction::Assign { assignee: None, queue: Some(r.queue.to_string()) };
                let at = t0 + self.rng.range(5, 90);
                self.act(ci, queue, Actor::System, at)?;
                let (lo, hi) = match ch {
                    Channel::Chat => (MIN, 15 * MIN),
                    Channel::Email | Channel::WebForm => (20 * MIN, 6 * HOUR),
                    _ => (5 * MIN, 80 * MIN),
                };
                // One in ten misses the first-response target by a long way.
                let hi = if self.rng.percent(10) { hi * 6 } else { hi };
                let t = self.agent_after(t0 + 100, lo, hi);
                let assign = CaseAction::Assign { assignee: Some(AGENTS[v.agent].to_string()), queue: None };
                self.act(ci, assign, agent.clone(), t - 30)?;
                if plan.public {
                    let ack = self.say(PUBLIC_ACKS, v);
                    let text = self.outbound_text(ch, true, "", &ack, v);
                    self.act(ci, CaseAction::Acknowledge, agent.clone(), t)?;
                    self.touch(t, ch, Direction::Outbound, agent, Some(ci), text, true)?;
                    // The conversation moves to private messages.
                    let dm_at = t + self.rng.skewed(3 * MIN, 5 * HOUR);
                    let dm = self.tell(r.opening, v);
                    self.customer_msg(ci, dm_at, ch, false, dm, v)?;
                    let t2 = self.agent_after(dm_at, 5 * MIN, 2 * HOUR);
                    let msg = self.tell(r.replies, v);
                    self.reply(ci, t2, ch, false, msg, v)?;
                    Some((t2, false))
                } else {
                    let msg = self.tell(r.replies, v);
                    let out = self.reply_channel(ch);
                    self.reply(ci, t, out, false, msg, v)?;
                    Some((t, false))
                }
            }
        }
    }

    /// Work between the first response and the resolution: questions, waiting on the
    /// customer, chasers, escalation. Returns the time of the last step.
    fn middle(&mut self, ci: usize, plan: &Plan, v: &Vals, mut t: i64) -> Option<i64> {
        let r = &REASONS[plan.reason];
        let ch = self.reply_channel(plan.ch);
        if self.rng.percent(30) {
            t = self.agent_after(t, 2 * MIN, 3 * HOUR);
            let ask = self.say(r.asks, v);
            self.reply(ci, t, ch, false, ask, v)?;
            t += 20;
            self.act(ci, CaseAction::SetPending, Self::agent_actor(v), t)?;
            if self.rng.percent(12) {
                // The customer never answers.
                t += 3 * DAY + self.rng.range(0, 6 * HOUR);
                let nudge = self.say(PENDING_NUDGES, v);
                let subject = self.cases[ci].subject.clone();
                let text = self.outbound_text(ch, false, &subject, &nudge, v);
                self.touch(t, ch, Direction::Outbound, Actor::System, Some(ci), text, false)?;
                t += 7 * DAY;
                self.act(ci, CaseAction::Resume, Actor::System, t)?;
                self.act(
                    ci,
                    CaseAction::Resolve {
                        closure_code: "customer_unreachable".into(),
                        summary: "No reply to our questions after 10 days; closed as unreachable.".into(),
                    },
                    Actor::System,
                    t + 1,
                )?;
                return Some(t + 1);
            }
            t += self.rng.skewed(HOUR, 5 * DAY);
            let answer = self.say(r.answers, v);
            self.customer_msg(ci, t, ch, false, answer, v)?;
            t = self.agent_after(t, 10 * MIN, 8 * HOUR);
            let msg = self.say(UPDATES, v);
            self.reply(ci, t, ch, false, msg, v)?;
        }
        if self.rng.percent(10) {
            t += self.rng.skewed(DAY, 4 * DAY);
            let mut v2 = *v;
            v2.days = ((t - plan.t0) / DAY).max(1) as u32;
            let text = if self.rng.percent(50) { self.say(r.chasers, &v2) } else { self.say(GENERIC_CHASERS, &v2) };
            self.customer_msg(ci, t, ch, false, text, &v2)?;
            t = self.agent_after(t, 10 * MIN, 4 * HOUR);
            let msg = self.say(UPDATES, v);
            self.reply(ci, t, ch, false, msg, v)?;
        }
        let prio = self.cases[ci].priority;
        if prio >= Priority::High && self.rng.percent(35) {
            t += self.rng.range(MIN, HOUR);
            self.act(ci, CaseAction::Escalate { reason: r.escalation.to_string() }, Self::agent_actor(v), t)?;
        }
        if prio < Priority::Urgent && self.rng.percent(4) {
            t += self.rng.range(MIN, HOUR);
            self.act(ci, CaseAction::SetPriority { priority: prio.raised() }, Self::agent_actor(v), t)?;
        }
        Some(t)
    }

    /// Resolves with an outcome message to the customer, then maybe a reopen; closes.
    fn finish_case(&mut self, ci: usize, plan: &Plan, v: &Vals, t: i64, may_reopen: bool) -> Option<()> {
        let r = &REASONS[plan.reason];
        let mut t = t;
        if self.status(ci) == tideline_core::CaseStatus::Open || self.status(ci) == tideline_core::CaseStatus::Pending {
            t = self.agent_after(t, 20 * MIN, 3 * 12 * HOUR);
            let out = self.reply_channel(plan.ch);
            let msg = self.tell(r.outcome, v);
            self.reply(ci, t, out, false, msg, v)?;
            self.resolve(ci, r, t + 5, v)?;
            t += 5;
        }
        if may_reopen && self.rng.percent(6) {
            let back = t + self.rng.skewed(DAY, 12 * DAY);
            let close_at = self.close_time(ci)?;
            if back > close_at {
                self.act(ci, CaseAction::Close, Actor::System, close_at)?;
            }
            let ch = self.reply_channel(plan.ch);
            let chaser = self.say(r.chasers, v);
            let subject = self.cases[ci].subject.clone();
            let text = self.inbound_text(ch, false, &subject, chaser, v);
            self.touch(back, ch, Direction::Inbound, Actor::Customer, Some(ci), text, false)?;
            let why = *self.rng.pick(REOPEN_REASONS);
            self.act(ci, CaseAction::Reopen { reason: why.to_string() }, Actor::System, back + 2)?;
            self.act(ci, CaseAction::CustomerMessage, Actor::Customer, back + 3)?;
            let t2 = self.agent_after(back, 30 * MIN, 12 * HOUR);
            let msg = self.say(REOPEN_REPLIES, v);
            self.reply(ci, t2, ch, false, msg, v)?;
            let t3 = self.agent_after(t2, HOUR, 2 * 12 * HOUR);
            let msg = self.tell(r.outcome, v);
            self.reply(ci, t3, ch, false, msg, v)?;
            self.resolve(ci, r, t3 + 5, v)?;
        }
        self.close_later(ci)
    }

    fn standard(&mut self, plan: &Plan) -> Option<()> {
        let prio = plan.prio;
        let (ci, v, secs) = self.first_contact(plan, prio, false)?;
        let (t, done) = self.first_response(ci, plan, &v, secs)?;
        let t = if done { t } else { self.middle(ci, plan, &v, t)? };
        self.finish_case(ci, plan, &v, t, true)
    }

    /// The same problem 2 to 4 times within a week: each contact after the first is
    /// flagged as a repeat; the third is escalated.
    fn repeat(&mut self, plan: &Plan) -> Option<()> {
        let r = &REASONS[plan.reason];
        let prio = plan.prio;
        let (ci, mut v, secs) = self.first_contact(plan, prio, false)?;
        let (mut t, done) = self.first_response(ci, plan, &v, secs)?;
        if !done {
            // A quick fix that does not hold.
            t = self.agent_after(t, 10 * MIN, 3 * HOUR);
            let out = self.reply_channel(plan.ch);
            let msg = self.tell(r.outcome, &v);
            self.reply(ci, t, out, false, msg, &v)?;
            self.resolve(ci, r, t + 5, &v)?;
        }
        let contacts = self.rng.between(2, 4);
        let mut prev = ci;
        let mut tk = plan.t0;
        let mut open_cases = vec![ci];
        for k in 2..=contacts {
            tk += self.rng.range(14 * HOUR, 48 * HOUR);
            let ch = if self.rng.percent(40) { plan.ch } else { self.pick_channel(plan.reason) };
            let tk_at = self.contact_time(tk.div_euclid(DAY), ch).max(tk);
            v.days = ((tk_at - plan.t0) / DAY).max(1) as u32;
            let public = ch.is_social() && self.rng.percent(50);
            let text = if self.rng.percent(70) { self.say(r.chasers, &v) } else { self.say(GENERIC_CHASERS, &v) };
            let subject = self.cases[prev].subject.clone();
            let cur = self.open_case(tk_at, ch, r, self.cases[prev].priority, &subject)?;
            open_cases.push(cur);
            let prev_ref = self.cases[prev].id;
            v.case_ref = self.cases[cur].id.0;
            let wrapped = self.inbound_text(ch, public, &subject, text, &v);
            let secs = self.touch(tk_at, ch, Direction::Inbound, Actor::Customer, Some(cur), wrapped, public)?;
            self.act(cur, CaseAction::FlagRepeatContact, Actor::System, tk_at + 1)?;
            let note = format!("Repeat contact about {}: see {prev_ref}.", r.tag.replace('_', " "));
            self.act(cur, CaseAction::AddNote { body: note }, Actor::System, tk_at + 2)?;
            let kplan = Plan { t0: tk_at, kind: Kind::Standard, reason: plan.reason, ch, public, prio: plan.prio };
            if k == 3 {
                let why = format!("Third contact in a week: {}", r.escalation);
                self.act(cur, CaseAction::Escalate { reason: why }, Actor::System, tk_at + 3)?;
            }
            let (t1, done) = self.first_response(cur, &kplan, &v, secs)?;
            if !done {
                let t2 = self.agent_after(t1, 10 * MIN, 4 * HOUR);
                let out = self.reply_channel(ch);
                let msg = self.tell(r.outcome, &v);
                self.reply(cur, t2, out, false, msg, &v)?;
                self.resolve(cur, r, t2 + 5, &v)?;
            }
            prev = cur;
        }
        for ci in open_cases {
            let _ = self.close_later(ci);
        }
        Some(())
    }

    /// A call (or branch visit), a promised call back that never comes, then a public
    /// post the next day about the same case, linked to it.
    fn hop(&mut self, plan: &Plan) -> Option<()> {
        let r = &REASONS[plan.reason];
        let prio = plan.prio;
        let (ci, v, secs) = self.first_contact(plan, prio, false)?;
        let end = plan.t0 + secs.max(5 * MIN);
        let agent = Self::agent_actor(&v);
        let assign = CaseAction::Assign { assignee: Some(AGENTS[v.agent].to_string()), queue: None };
        self.act(ci, assign, agent.clone(), plan.t0 + 20)?;
        self.act(ci, CaseAction::Acknowledge, agent.clone(), end)?;
        let subject = self.cases[ci].subject.clone();
        let note = format!(
            "{subject}: could not sort this out on the first contact; referred to the {} team. Promised a call back within 24 hours.",
            r.queue
        );
        self.act(ci, CaseAction::AddNote { body: note }, agent, end + 30)?;
        let social = if self.p.x.is_some() {
            Channel::X
        } else if self.p.facebook.is_some() {
            Channel::Facebook
        } else {
            Channel::Instagram
        };
        let post_day = (plan.t0 + DAY).div_euclid(DAY);
        let t1 = self.contact_time(post_day, social).max(end + HOUR);
        let post = self.say(HOP_POSTS, &v);
        self.customer_msg(ci, t1, social, true, post, &v)?;
        self.act(ci, CaseAction::FlagRepeatContact, Actor::System, t1 + 5)?;
        let mut v2 = v;
        v2.agent = self.rng.index(AGENTS.len());
        let t2 = self.agent_after(t1, 5 * MIN, HOUR);
        let assign =
            CaseAction::Assign { assignee: Some(AGENTS[v2.agent].to_string()), queue: Some("complaints".into()) };
        self.act(ci, assign, Self::agent_actor(&v2), t2 - 20)?;
        let ack = self.say(PUBLIC_ACKS, &v2);
        self.reply(ci, t2, social, true, ack, &v2)?;
        let t3 = t2 + self.rng.skewed(5 * MIN, 3 * HOUR);
        let dm = self.tell(r.opening, &v2);
        self.customer_msg(ci, t3, social, false, dm, &v2)?;
        let t4 = self.agent_after(t3, 5 * MIN, HOUR);
        let msg = self.tell(r.replies, &v2);
        self.reply(ci, t4, social, false, msg, &v2)?;
        if self.rng.percent(40) {
            let why = "Customer complained publicly after a missed call back".to_string();
            self.act(ci, CaseAction::Escalate { reason: why }, Self::agent_actor(&v2), t4 + 60)?;
        }
        let t5 = self.agent_after(t4, 2 * HOUR, 2 * 12 * HOUR);
        let msg = self.tell(r.outcome, &v2);
        self.reply(ci, t5, social, false, msg, &v2)?;
        self.resolve(ci, r, t5 + 5, &v2)?;
        self.close_later(ci)
    }

    fn one_off(&mut self, plan: &Plan) -> Option<()> {
        let usable: Vec<usize> = (0..ONE_OFFS.len())
            .filter(|&i| ONE_OFFS[i].summary != "Y" && self.p.can_use(Channel::ALL[ONE_OFFS[i].channel_index]))
            .collect();
        let o = &ONE_OFFS[*self.rng.pick(&usable)];
        let ch = Channel::ALL[o.channel_index];
        let v = self.vals(plan.t0);
        let at = if o.inbound { self.contact_time(plan.t0.div_euclid(DAY), ch) } else { plan.t0 };
        let summary = render(o.summary, &self.slots(&v));
        let body = o.body.map(|b| render(b, &self.slots(&v)));
        let (dir, actor) = match (o.inbound, o.system) {
            (true, _) => (Direction::Inbound, Actor::Customer),
            (false, true) => (Direction::Outbound, Actor::System),
            (false, false) => (Direction::Outbound, Self::agent_actor(&v)),
        };
        let public = ch.is_social();
        let is_alert = summary.contains("Reply Y");
        self.touch(at, ch, dir, actor, None, (summary, body), public)?;
        if is_alert {
            let yes = at + self.rng.range(30, 20 * MIN);
            self.touch(yes, ch, Direction::Inbound, Actor::Customer, None, ("Y".to_string(), None), false)?;
            let thanks = format!("{BANK}: thanks, we've approved the payment. No further action needed.");
            self.touch(yes + 5, ch, Direction::Outbound, Actor::System, None, (thanks, None), false)?;
        } else if public && self.rng.percent(70) {
            let t = self.agent_after(at, 5 * MIN, 2 * HOUR);
            let msg = format!(
                "Thanks {}, we'll pass that on to the team! ^{}",
                self.p.first,
                &AGENT_NAMES[v.agent][..2].to_uppercase()
            );
            let text = self.outbound_text(ch, true, "", &msg, &v);
            self.touch(t, ch, Direction::Outbound, Self::agent_actor(&v), None, text, true)?;
        }
        Some(())
    }

    /// A contact from an identity the customer never registered: it matches nobody, so it
    /// waits in the unlinked list.
    fn unlinked(&mut self, plan: &Plan) -> Option<()> {
        if plan.t0 > self.s.now {
            return None;
        }
        let r = &REASONS[plan.reason];
        let v = self.vals(plan.t0);
        let (ch, kind) = [
            (Channel::X, IdentityKind::XHandle),
            (Channel::Email, IdentityKind::Email),
            (Channel::Phone, IdentityKind::Phone),
            (Channel::Facebook, IdentityKind::FacebookId),
            (Channel::Sms, IdentityKind::Phone),
            (Channel::Instagram, IdentityKind::InstagramHandle),
        ][self.rng.weighted(&[30, 25, 20, 10, 10, 5])];
        let k = self.p.idx * 8 + self.strangers;
        self.strangers += 1;
        let identity = self.p.stranger(kind, k, &mut self.rng, &self.s.cx);
        let public = ch.is_social() && self.rng.percent(60);
        let subject = self.tell(r.subjects, &v);
        let (summary, body) = match ch {
            Channel::Email => (
                subject,
                Some(format!(
                    "{}\n\nI'm writing from my work email as I can't get into my personal one.\n\n{} {}",
                    self.tell(r.opening, &v),
                    self.p.first,
                    self.p.last
                )),
            ),
            Channel::Phone => (
                format!("Call from an unrecognised number: {subject}"),
                Some(format!(
                    "Caller gave the name {} {} but is calling from a number not on any account. Failed ID&V; asked them to call from their registered number.",
                    self.p.first, self.p.last
                )),
            ),
            Channel::Sms => {
                let text = self.tell(r.short, &v).replace(&format!("@{BANK_HANDLE} "), "");
                (format!("Hi it's {} {} on a new number. {text}", self.p.first, self.p.last), None)
            }
            _ => {
                let text = self.tell(r.short, &v);
                let text = if public && !text.contains('@') { format!("@{BANK_HANDLE} {text}") } else { text };
                (text, None)
            }
        };
        let mut facts = ChannelFacts::default();
        if ch == Channel::Phone {
            facts.call_duration_secs = Some(self.rng.skewed(60, 600) as u32);
        }
        if ch.is_social() {
            facts.public = Some(public);
            if public {
                let url = self.social_url(ch, plan.t0, true, Some(&identity));
                facts.post_url = Some(url);
            }
        }
        self.tps.push(Touchpoint {
            id: TouchpointId(0),
            customer_id: None,
            case_id: None,
            channel: ch,
            direction: Direction::Inbound,
            actor: Actor::Customer,
            occurred_at: ts(plan.t0),
            identity: Some(identity),
            summary,
            body,
            facts,
        });
        Some(())
    }

    // ----- active cases, placed back from `now` --------------------------------------------

    fn current_new(&mut self, plan: &Plan) -> Option<()> {
        let now = self.s.now;
        let (ci, v, _) = self.first_contact(plan, plan.prio, true)?;
        let r = &REASONS[plan.reason];
        let span = now - plan.t0;
        if span > 2 * MIN {
            let queue = CaseAction::Assign { assignee: None, queue: Some(r.queue.to_string()) };
            self.act(ci, queue, Actor::System, plan.t0 + 30)?;
        }
        if span > 2 * HOUR && self.rng.percent(50) {
            let at = plan.t0 + span * 2 / 3;
            let mut v2 = v;
            v2.days = (span / DAY).max(1) as u32;
            let text = self.say(GENERIC_CHASERS, &v2);
            let ch = if plan.ch == Channel::Branch { Channel::Phone } else { plan.ch };
            self.customer_msg(ci, at, ch, plan.public, text, &v2)?;
            self.act(ci, CaseAction::FlagRepeatContact, Actor::System, at + 1)?;
        }
        Some(())
    }

    fn current_open(&mut self, plan: &Plan) -> Option<()> {
        let now = self.s.now;
        let r = &REASONS[plan.reason];
        let prio = plan.prio;
        let (ci, v, secs) = self.first_contact(plan, prio, false)?;
        let t0 = plan.t0;
        let agent = Self::agent_actor(&v);
        // The first response comes within the first fifth of the case's life so far.
        let first = t0 + secs.max(MIN) + self.rng.range(0, (now - t0) / 5 + 1);
        let first = self.s.cal.add_business(first, 0).min(now - 2 * MIN);
        self.act(
            ci,
            CaseAction::Assign { assignee: Some(AGENTS[v.agent].to_string()), queue: Some(r.queue.into()) },
            agent.clone(),
            t0 + 10,
        )?;
        if matches!(plan.ch, Channel::Phone | Channel::Branch) {
            self.act(ci, CaseAction::Acknowledge, agent.clone(), first)?;
            let note = self.tell(r.notes, &v);
            self.act(ci, CaseAction::AddNote { body: note }, agent, first + 1)?;
        } else {
            let msg = if plan.public { self.say(PUBLIC_ACKS, &v) } else { self.tell(r.replies, &v) };
            let ch = if plan.public { plan.ch } else { self.reply_channel(plan.ch) };
            self.reply(ci, first, ch, plan.public, msg, &v)?;
        }
        let mid = first + (now - first) / 2;
        if plan.kind == Kind::Pending {
            let ask_at = first + self.rng.range(60, (mid - first).max(61));
            let ch = self.reply_channel(plan.ch);
            let ask = self.say(r.asks, &v);
            self.reply(ci, ask_at, ch, false, ask, &v)?;
            self.act(ci, CaseAction::SetPending, Self::agent_actor(&v), ask_at + 10)?;
            return Some(());
        }
        if prio >= Priority::High && self.rng.percent(40) {
            self.act(ci, CaseAction::Escalate { reason: r.escalation.to_string() }, Self::agent_actor(&v), mid)?;
        }
        if self.rng.percent(45) {
            // The customer has written again and is waiting for our answer.
            let at = mid + self.rng.range(60, (now - mid).max(61));
            let ch = self.reply_channel(plan.ch);
            let mut v2 = v;
            v2.days = ((at - t0) / DAY).max(1) as u32;
            let text = self.say(r.chasers, &v2);
            self.customer_msg(ci, at, ch, false, text, &v2)?;
            if at < now {
                self.act(ci, CaseAction::FlagRepeatContact, Actor::System, at + 1)?;
            }
        }
        Some(())
    }

    fn current_resolved(&mut self, plan: &Plan) -> Option<()> {
        let now = self.s.now;
        let r = &REASONS[plan.reason];
        let prio = plan.prio;
        let (ci, v, secs) = self.first_contact(plan, prio, false)?;
        let (t, done) = self.first_response(ci, plan, &v, secs)?;
        if !done && t < now - 3 * MIN {
            let at = t + self.rng.range(60, ((now - t) / 2).max(61));
            let out = self.reply_channel(plan.ch);
            let msg = self.tell(r.outcome, &v);
            self.reply(ci, at, out, false, msg, &v)?;
            self.resolve(ci, r, at + 5, &v)?;
        }
        Some(())
    }

    fn current_reopened(&mut self, plan: &Plan) -> Option<()> {
        let now = self.s.now;
        let r = &REASONS[plan.reason];
        let prio = plan.prio;
        let (ci, v, secs) = self.first_contact(plan, prio, false)?;
        let (t, done) = self.first_response(ci, plan, &v, secs)?;
        let mut t = t;
        if !done {
            t = self.agent_after(t, 20 * MIN, 2 * 12 * HOUR);
            let out = self.reply_channel(plan.ch);
            let msg = self.tell(r.outcome, &v);
            self.reply(ci, t, out, false, msg, &v)?;
            self.resolve(ci, r, t + 5, &v)?;
            t += 5;
        }
        // Back within the last two business days; closed first if a week had passed.
        let back = self.s.cal.sub_business(now, self.rng.range(10 * MIN, 2 * 12 * HOUR)).max(t + HOUR);
        let close_at = self.close_time(ci)?;
        if back > close_at {
            self.act(ci, CaseAction::Close, Actor::System, close_at)?;
        }
        let ch = self.reply_channel(plan.ch);
        let text = self.say(r.chasers, &v);
        let subject = self.cases[ci].subject.clone();
        let wrapped = self.inbound_text(ch, false, &subject, text, &v);
        self.touch(back, ch, Direction::Inbound, Actor::Customer, Some(ci), wrapped, false)?;
        let why = *self.rng.pick(REOPEN_REASONS);
        self.act(ci, CaseAction::Reopen { reason: why.to_string() }, Actor::System, back + 1)?;
        self.act(ci, CaseAction::CustomerMessage, Actor::Customer, back + 2)?;
        Some(())
    }

    // ----- output -------------------------------------------------------------------------

    fn finish(mut self, created: i64, next_tp: i64) -> (CustomerBundle, i64, i64) {
        // Ids follow time within a customer; linked and unlinked share one sequence.
        self.tps.sort_by_key(|t| t.occurred_at);
        let mut next = next_tp;
        for t in &mut self.tps {
            t.id = TouchpointId(next);
            next += 1;
        }
        let (touchpoints, unlinked): (Vec<_>, Vec<_>) = self.tps.into_iter().partition(|t| t.customer_id.is_some());
        self.events.sort_by_key(|e| e.at);
        let first_seen = touchpoints.first().map_or(created, |t| t.occurred_at.as_second());
        let customer = Customer {
            id: self.id,
            name: self.p.name.clone(),
            identities: self.p.identities(),
            created_at: ts(created.min(first_seen)),
        };
        let bundle = CustomerBundle { customer, touchpoints, cases: self.cases, events: self.events, unlinked };
        (bundle, self.next_case, next)
    }
}

/// (weekday Monday = 0, day, month) of a day number counted from 1970-01-01.
fn civil(days: i64) -> (u8, u8, u8) {
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (weekday(days) as u8, d as u8, m as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_match_jiff() {
        for days in [0i64, 59, 365, 10_000, 20_000, 20_513] {
            let d = jiff::civil::date(1970, 1, 1).checked_add(jiff::Span::new().days(days)).unwrap();
            let (wd, day, month) = civil(days);
            assert_eq!(
                (i64::from(wd), day as i8, month as i8),
                (i64::from(d.weekday().to_monday_zero_offset()), d.day(), d.month())
            );
        }
    }
}
