//! The parsers on realistic fixtures: what an agent would see of each contact.

mod fuzz;

use tideline_channels::{branch, cdr, twilio, web};
use tideline_core::{CallOutcome, Channel, Delivery, Direction, IdentityKind};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn now() -> jiff::Timestamp {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

#[test]
fn a_completed_inbound_call_is_one_answered_contact() {
    let params = twilio::form(&fixture("voice-completed.form")).unwrap();
    let twilio::Event::Call(call) = twilio::voice_event(&params).unwrap() else { panic!("not a call") };
    let c = call.to_contact(now());
    assert_eq!((c.channel, c.direction), (Channel::Phone, Direction::Inbound));
    assert_eq!(c.summary, "Call, 5 min 12 s");
    assert_eq!(c.sender, Some((IdentityKind::Phone, "+447700900123".into())));
    assert_eq!(c.facts.call_outcome, Some(CallOutcome::Answered));
    assert_eq!(c.facts.call_duration_secs, Some(312));
    assert_eq!((c.key.as_str(), c.revision), ("twilio-call:CA5f6a3b2e1d0c9b8a7f6e5d4c3b2a1f0e", 3));
    assert_eq!(c.occurred_at, "2026-11-23T11:05:12Z".parse().unwrap());
    assert_eq!(twilio::Event::Call(call).event_id().as_deref(), Some("CA5f6a3b2e1d0c9b8a7f6e5d4c3b2a1f0e:3"));
}

#[test]
fn a_missed_call_is_contact_too() {
    let params = twilio::form(&fixture("voice-no-answer.form")).unwrap();
    let twilio::Event::Call(call) = twilio::voice_event(&params).unwrap() else { panic!("not a call") };
    let c = call.to_contact(now());
    assert_eq!(c.summary, "Missed call (no answer)");
    assert_eq!(c.facts.call_outcome, Some(CallOutcome::NoAnswer));
}

#[test]
fn an_inbound_sms_with_a_photo() {
    let params = twilio::form(&fixture("sms-inbound-media.form")).unwrap();
    let twilio::Event::Message(m) = twilio::messaging_event(&params).unwrap() else { panic!("not a message") };
    let c = m.to_contact(now());
    assert_eq!(c.summary, "SMS: Hi, my card was swallowed by the ATM on King St. Photo attached (1 attachment)");
    assert_eq!(c.sender, Some((IdentityKind::Phone, "+447700900123".into())));
    assert_eq!(c.key, "twilio-sms:SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d");
}

#[test]
fn an_undelivered_report_says_why_in_plain_words() {
    let params = twilio::form(&fixture("sms-status-undelivered.form")).unwrap();
    let twilio::Event::MessageStatus(s) = twilio::messaging_event(&params).unwrap() else { panic!("not a status") };
    assert_eq!(s.message_sid, "SM1f2e3d4c5b6a79880716253443526170");
    assert_eq!(
        s.delivery,
        Delivery::Failed { reason: "The customer's phone is switched off or out of coverage.".into(), retryable: true }
    );
}

#[test]
fn a_chat_transcript_is_one_contact_with_every_message() {
    let body = fixture("web-chat.json");
    let event = web::parse_event(&body).unwrap().unwrap();
    assert_eq!(event.event_id(), "chat-20261123-0077");
    let c = event.to_contact();
    assert_eq!(c.channel, Channel::Chat);
    assert_eq!(c.summary, "Chat, 4 messages: My card keeps getting declined at the supermarket.");
    assert_eq!(c.sender, Some((IdentityKind::WebAccountId, "u-8812".into())));
    assert_eq!(c.reason.as_deref(), Some("card_declined"));
    let transcript = c.body.unwrap();
    assert_eq!(transcript.lines().count(), 4);
    assert!(transcript.starts_with("Visitor (11:00): My card keeps"));
    assert!(transcript.contains("Agent Kim (11:05): A fraud check blocked it"));
}

#[test]
fn a_daily_branch_export_reads_every_visit() {
    let text = String::from_utf8(fixture("branch-visits.csv")).unwrap();
    let visits = branch::parse_csv(&text).unwrap();
    assert_eq!(visits.len(), 3);
    assert_eq!(visits[1].notes.as_deref(), Some("Card damaged, \"chip\" unreadable"));
    let c = visits[0].to_contact();
    assert_eq!(c.summary, "Branch visit at LDN-01: Mortgage enquiry (with Sam Patel)");
    assert_eq!(c.sender, Some((IdentityKind::BranchCustomerNo, "LDN-123456".into())));
    assert_eq!(c.reason.as_deref(), Some("mortgage_enquiry"));
    // The JSON the API takes is the same visit.
    let json = serde_json::to_vec(&visits[0]).unwrap();
    assert_eq!(branch::parse_visit(&json).unwrap(), visits[0]);
}

#[test]
fn a_bad_export_reports_every_bad_row_by_line_and_yields_nothing() {
    let text = String::from_utf8(fixture("branch-visits-bad.csv")).unwrap();
    let errors = branch::parse_csv(&text).unwrap_err();
    let lines: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.message.as_str())).collect();
    assert_eq!(
        lines,
        [
            (3, "`visit_reason` is empty"),
            (4, "`visited_at` is not an RFC 3339 time: \"yesterday morning\""),
            (5, "visit `LDN01-20261123-0001` appears twice in the file"),
            (6, "3 fields where the header has 7"),
        ]
    );
    let no_header = branch::parse_csv("id,branch\n1,2\n").unwrap_err();
    assert_eq!(no_header[0].line, 1);
    assert!(
        no_header[0].message.starts_with("the header lacks visit_id, branch_id, staff"),
        "{}",
        no_header[0].message
    );
}

#[test]
fn a_pbx_export_reads_as_calls_in_either_format() {
    let csv = cdr::parse_file(&String::from_utf8(fixture("call-records.csv")).unwrap()).unwrap();
    assert_eq!(csv.len(), 3);
    let answered = csv[0].to_contact();
    assert_eq!((answered.channel, answered.direction), (Channel::Phone, Direction::Inbound));
    assert_eq!(answered.summary, "Call, 4 min 5 s with Priya (ext 2041)");
    assert_eq!(answered.sender, Some((IdentityKind::Phone, "+447700900123".into())));
    assert_eq!(answered.occurred_at, "2026-11-23T09:14:03Z".parse().unwrap());
    let missed = csv[1].to_contact();
    assert_eq!(missed.summary, "Missed call (no answer)");
    assert_eq!(missed.facts.call_outcome, Some(CallOutcome::NoAnswer));
    // An outbound call belongs to the number called.
    let outbound = csv[2].to_contact();
    assert_eq!(outbound.direction, Direction::Outbound);
    assert_eq!(outbound.sender, Some((IdentityKind::Phone, "+447700900123".into())));
    assert_eq!(outbound.summary, "Outbound call, 1 min 2 s with Priya (ext 2041)");

    let json = cdr::parse_file(&String::from_utf8(fixture("call-records.json")).unwrap()).unwrap();
    assert_eq!(json.len(), 2);
    assert_eq!(json[0].to_contact().summary, "Missed call (busy)");
    // What the inbox stores reads back as the same record.
    let stored = serde_json::to_vec(&json[1]).unwrap();
    assert_eq!(cdr::parse_record(&stored).unwrap(), json[1]);
}

#[test]
fn a_bad_pbx_export_names_every_bad_record_and_yields_nothing() {
    let text = String::from_utf8(fixture("call-records-bad.csv")).unwrap();
    let errors = cdr::parse_file(&text).unwrap_err();
    let lines: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.message.as_str())).collect();
    assert_eq!(
        lines,
        [
            (3, "`direction` is \"sideways\"; expected inbound or outbound"),
            (4, "`duration_secs` is not a whole number of seconds: \"-4\""),
            (5, "`disposition` is \"voicemail\"; expected answered, no answer, busy, failed or abandoned"),
            (6, "call `c-1` appears twice in the file"),
        ]
    );
    let json = cdr::parse_file(r#"[{"call_id": "x", "started_at": "2026-11-23T10:02:00Z"}]"#).unwrap_err();
    assert_eq!(json[0].line, 1);
    assert!(json[0].message.contains("missing field `direction`"), "{}", json[0].message);
    assert!(cdr::parse_file("[1, 2").unwrap_err()[0].message.starts_with("not a JSON array of call records"));
}
