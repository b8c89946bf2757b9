//! A deterministic, seeded generator of a retail bank's contact centre, for the demo, for
//! tests and for benchmarks.
//!
//! [`generate`] yields one [`CustomerBundle`] at a time, lazily: a customer with their
//! identities, their touchpoints across every channel, their cases (each built step by
//! step through [`Case::apply`], so state and events always agree) and any contacts from
//! identities they never registered (`unlinked`).
//!
//! **Determinism.** The output depends only on the [`DemoConfig`]: the PRNG lives in this
//! crate (xoshiro256**), uses no floating-point functions beyond `+ - * /`, and each
//! customer draws from its own stream derived from `(seed, index)`. So the first `n`
//! customers of a larger run equal an `n`-customer run with the same seed and `now`.
//!
//! **What comes out.**
//! - Customers with UK names (every `heavy_every`-th is a business account with thousands
//!   of touchpoints), a phone number and an email each, often X, Facebook and Instagram
//!   accounts, a branch customer number and a web account id: all valid, normalised and
//!   unique across customers.
//! - Histories over the past three years: cases with contact-reason tags, queues,
//!   assignees, escalations, pauses, resolutions with catalogued closure codes, reopens;
//!   repeat contacts (the same reason 2 to 4 times in a week, flagged) and channel hops
//!   (a call, then a public post the next day, linked to the same case).
//! - Active cases (new, open, pending, recently resolved, reopened) placed back from `now`
//!   by business time, using the calendar, targets and warning threshold of
//!   `SlaPolicy::default()` (Europe/London; weekdays 08:00–20:00, Saturdays 09:00–17:00,
//!   bank holidays), so their first-response clocks are spread over ok, warning and
//!   breached by construction.
//! - Every timestamp is at or before `now`.

mod clock;
mod people;
mod reasons;
mod rng;
mod sim;
mod text;
mod words;

use jiff::Timestamp;
use tideline_core::{Case, CaseEvent, Customer, Touchpoint};

/// What to generate. Build it with [`DemoConfig::new`] or [`DemoConfig::for_touchpoints`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// How many customers (and so bundles) to generate.
    pub customers: usize,
    pub seed: u64,
    /// The generated world's present: every timestamp is at or before it, and active
    /// cases' SLA clocks are placed relative to it.
    pub now: Timestamp,
    /// `Some(k)`: every k-th customer is a business account with 2,000 to 5,000
    /// touchpoints over several years (a full timeline page in benchmarks).
    pub heavy_every: Option<usize>,
    /// Gives customer C-1 a history of about this many touchpoints (performance checks
    /// of one very long timeline).
    pub largest_history: Option<usize>,
}

/// Touchpoints (linked and unlinked) per ordinary customer, on average; measured by the
/// `calibration` test.
const AVG_TOUCHPOINTS: f64 = 16.3;
/// Touchpoints per heavy customer, on average.
const AVG_HEAVY_TOUCHPOINTS: f64 = 3_480.0;
/// `heavy_every` of [`DemoConfig::for_touchpoints`].
const BENCH_HEAVY_EVERY: usize = 1_000;

impl DemoConfig {
    pub fn new(customers: usize, seed: u64, now: Timestamp) -> Self {
        DemoConfig { customers, seed, now, heavy_every: None, largest_history: None }
    }

    /// As many customers as make about `n` touchpoints in all (within a few percent for
    /// `n` in the tens of thousands or more). For benchmarks, every 1,000th customer is
    /// heavy (about a sixth of all touchpoints), so from `n` ≈ 20,000 on some timelines
    /// run to thousands of entries; change that with [`DemoConfig::with_heavy_every`].
    pub fn for_touchpoints(n: usize, seed: u64, now: Timestamp) -> Self {
        let heavy_every = Some(BENCH_HEAVY_EVERY);
        DemoConfig { customers: customers_for(n, heavy_every), seed, now, heavy_every, largest_history: None }
    }

    /// Makes every `every`-th customer heavy while keeping the expected total number of
    /// touchpoints: the number of customers shrinks to make room for the heavy ones.
    /// (To keep the number of customers instead, set `heavy_every` directly.)
    pub fn with_heavy_every(self, every: usize) -> Self {
        let total = self.expected_touchpoints();
        DemoConfig { customers: customers_for(total, Some(every)), heavy_every: Some(every), ..self }
    }

    /// The expected number of touchpoints (linked and unlinked) this config generates.
    pub fn expected_touchpoints(&self) -> usize {
        expected(self.customers, self.heavy_every).round() as usize
    }
}

fn expected(customers: usize, heavy_every: Option<usize>) -> f64 {
    let heavy = match heavy_every {
        Some(k) if k > 0 => customers / k,
        _ => 0,
    };
    (customers - heavy) as f64 * AVG_TOUCHPOINTS + heavy as f64 * AVG_HEAVY_TOUCHPOINTS
}

/// The number of customers whose expected total is closest to `n`.
fn customers_for(n: usize, heavy_every: Option<usize>) -> usize {
    let k = heavy_every.filter(|&k| k > 0).unwrap_or(1);
    let per_customer = expected(k, heavy_every) / k as f64;
    let guess = (n as f64 / per_customer).round() as usize;
    let error = |c: usize| (expected(c, heavy_every) - n as f64).abs();
    let best = (guess.saturating_sub(k)..=guess + k).min_by(|&a, &b| error(a).total_cmp(&error(b)));
    best.unwrap_or(guess).max(1)
}

/// One customer and everything about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerBundle {
    pub customer: Customer,
    /// Linked to this customer, oldest first; ids increase with time.
    pub touchpoints: Vec<Touchpoint>,
    /// Every case of this customer, in the order they were opened (ids increasing).
    pub cases: Vec<Case>,
    /// Every case event of every case above (starting with its `Opened` event), oldest
    /// first.
    pub events: Vec<CaseEvent>,
    /// Contacts about this customer's affairs from identities not in
    /// `customer.identities`: `customer_id` and `case_id` are `None`, `identity` is set.
    pub unlinked: Vec<Touchpoint>,
}

/// Generates `cfg.customers` bundles lazily, one customer at a time. Customer, case and
/// touchpoint ids are sequential from 1 (touchpoint ids are shared by linked and unlinked
/// touchpoints).
pub fn generate(cfg: &DemoConfig) -> impl ExactSizeIterator<Item = CustomerBundle> + use<> {
    Generator { shared: sim::Shared::new(cfg), customers: cfg.customers, idx: 0, next_case: 1, next_tp: 1 }
}

struct Generator {
    shared: sim::Shared,
    customers: usize,
    idx: usize,
    next_case: i64,
    next_tp: i64,
}

impl Iterator for Generator {
    type Item = CustomerBundle;

    fn next(&mut self) -> Option<CustomerBundle> {
        if self.idx >= self.customers {
            return None;
        }
        let (bundle, next_case, next_tp) =
            sim::build_customer(&self.shared, self.idx as u64, self.next_case, self.next_tp);
        self.idx += 1;
        self.next_case = next_case;
        self.next_tp = next_tp;
        Some(bundle)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.customers - self.idx;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Generator {}

/// The demo agents' user names.
pub fn agents() -> &'static [&'static str] {
    words::AGENTS
}

/// The demo queues.
pub fn queues() -> &'static [&'static str] {
    words::QUEUES
}
