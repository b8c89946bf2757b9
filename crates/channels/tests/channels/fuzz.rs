//! Fuzzing every parser with proptest: arbitrary bytes, and fixtures with bytes
//! flipped, inserted or cut. No input may panic, and every contact a parser accepts
//! must make a valid touchpoint (non-empty summary, facts that fit the channel).
//!
//! Inputs per run: 1,500 arbitrary byte strings + 1,500 arbitrary form/JSON-like texts +
//! 1,500 mutated fixtures = 4,500, each fed to every parser (`docs/channels.md` records
//! the figure).

use proptest::prelude::*;
use tideline_channels::{branch, cdr, twilio, web};
use tideline_core::intake::Contact;
use tideline_core::{Actor, Touchpoint, TouchpointId};

const CASES: u32 = 1_500;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn now() -> jiff::Timestamp {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

/// A contact must become a touchpoint the core accepts.
fn valid(c: &Contact) {
    let t = Touchpoint {
        id: TouchpointId(1),
        customer_id: None,
        case_id: None,
        channel: c.channel,
        direction: c.direction,
        actor: Actor::Customer,
        occurred_at: c.occurred_at,
        identity: None,
        summary: c.summary.clone(),
        body: c.body.clone(),
        facts: c.facts.clone(),
    };
    assert_eq!(t.validate(), Ok(()), "{c:?}");
}

/// Runs every parser that could meet `bytes` on it.
fn all_parsers(bytes: &[u8]) {
    if let Ok(params) = twilio::form(bytes) {
        // Errors are fine; a parse that succeeds must yield a valid touchpoint.
        if let Ok(twilio::Event::Call(c)) = twilio::voice_event(&params) {
            valid(&c.to_contact(now()));
        }
        if let Ok(twilio::Event::Message(m)) = twilio::messaging_event(&params) {
            valid(&m.to_contact(now()));
        }
    }
    if let Ok(Some(e)) = web::parse_event(bytes) {
        valid(&e.to_contact());
    }
    if let Ok(v) = branch::parse_visit(bytes) {
        valid(&v.to_contact());
    }
    if let Ok(text) = std::str::from_utf8(bytes)
        && let Ok(visits) = branch::parse_csv(text)
    {
        visits.iter().for_each(|v| valid(&v.to_contact()));
    }
    if let Ok(r) = cdr::parse_record(bytes) {
        valid(&r.to_contact());
    }
    if let Ok(text) = std::str::from_utf8(bytes)
        && let Ok(calls) = cdr::parse_file(text)
    {
        calls.iter().for_each(|c| valid(&c.to_contact()));
    }
    let _ = twilio::send_response(200, bytes);
    let _ = twilio::send_response(400, bytes);
}

fn mutate(mut base: Vec<u8>, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    for &(at, byte, op) in edits {
        if base.is_empty() {
            base.push(byte);
            continue;
        }
        let i = at % base.len();
        match op % 3 {
            0 => base[i] = byte,
            1 => base.insert(i, byte),
            _ => {
                base.truncate(i.max(1));
            }
        }
    }
    base
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        all_parsers(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[a-zA-Z0-9=&%+,\"{}\\[\\]:. \n_-]{0,400}") {
        all_parsers(text.as_bytes());
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0usize..7,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6),
    ) {
        let name = ["voice-completed.form", "sms-inbound-media.form", "sms-status-undelivered.form",
                    "web-chat.json", "branch-visits.csv", "call-records.csv", "call-records.json"][which];
        all_parsers(&mutate(fixture(name), &edits));
    }
}
