//! `tideline demo-traffic --server URL`: sends realistic, correctly signed provider
//! payloads to a running `tideline serve --demo` (its demo channels and their public
//! secrets): answered and missed calls, SMSes, web forms, chats and branch visits, from
//! the demo's customers and from strangers. A newcomer watches contact arrive live.

use anyhow::Context;
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::time::Duration;
use tideline_channels::web::{self, Chat, ChatMessage, Form, Speaker, Visitor, WebEvent};
use tideline_channels::{branch, twilio};
use tideline_core::IdentityKind;
use tideline_demo::{CustomerBundle, DemoConfig};
use tideline_server::db::channels::ChannelKind;
use tideline_server::seed::{DEMO_ACCOUNT_SID, DEMO_CHANNELS, DEMO_CUSTOMERS, DEMO_SEED};

#[derive(clap::Args)]
pub struct Args {
    /// The server's URL, exactly as providers would call it (Twilio signs the URL).
    #[arg(long, default_value = "http://127.0.0.1:7420")]
    server: String,
    /// How many contacts to send.
    #[arg(long, default_value_t = 12)]
    count: usize,
    /// Pause between contacts, in milliseconds.
    #[arg(long, default_value_t = 1500)]
    every_ms: u64,
}

/// One contact to send: where, what (already encoded), and a line for the terminal.
struct Send {
    channel: ChannelKind,
    body: Body,
    about: String,
}

enum Body {
    /// Twilio's form parameters.
    Form(Vec<(String, String)>),
    Json(Vec<u8>),
}

/// Who a contact comes from: a demo customer's identifier, or a stranger's.
struct Sender {
    /// The customer's id and name.
    customer: Option<(i64, String)>,
    value: String,
}

const SMS_TEXTS: [&str; 4] = [
    "Hi, my card was declined twice today. Can someone call me?",
    "Thanks for the callback. Is the replacement card on its way?",
    "I moved house last week. How do I update my address?",
    "There is a payment on my statement I don't recognise.",
];
const FORM_SUBJECTS: [(&str, &str, &str); 3] = [
    ("address_change", "Change of address", "I have moved to 4 Mill Lane, Leeds LS1 4AB. Please update my details."),
    ("fee_dispute", "Overdraft fee", "I was charged a fee although I paid in before the cut-off time."),
    ("card_declined", "Card not working abroad", "My card is refused at every shop in Lisbon."),
];
const VISIT_REASONS: [&str; 3] = ["Mortgage enquiry", "Card replacement", "Open a savings account"];

pub fn run(a: Args) -> anyhow::Result<()> {
    let base = a.server.trim_end_matches('/').to_string();
    let people: Vec<CustomerBundle> =
        tideline_demo::generate(&DemoConfig::new(DEMO_CUSTOMERS, DEMO_SEED, Timestamp::now())).collect();
    let run_id = Timestamp::now().as_millisecond();
    super::serve::runtime()?.block_on(async move {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
        let mut failed = 0;
        for i in 0..a.count {
            let send = contact(&people, run_id, i, Timestamp::now());
            let (path, status, answer) = post(&http, &base, &send).await?;
            let ok = status.is_success();
            println!("{}/{} {} → {path}: {status}", i + 1, a.count, send.about);
            if !ok {
                failed += 1;
                eprintln!("  the server said: {answer}");
            }
            if i + 1 < a.count {
                tokio::time::sleep(Duration::from_millis(a.every_ms)).await;
            }
        }
        anyhow::ensure!(failed == 0, "{failed} of {} contacts were refused (is it `tideline serve --demo`?)", a.count);
        anyhow::Ok(())
    })
}

fn secret(kind: ChannelKind) -> (&'static str, &'static str) {
    let (name, _, secret) = DEMO_CHANNELS.iter().find(|(_, k, _)| *k == kind).expect("every kind has a demo channel");
    (name, secret)
}

async fn post(
    http: &reqwest::Client,
    base: &str,
    send: &Send,
) -> anyhow::Result<(String, reqwest::StatusCode, String)> {
    let (name, key) = secret(send.channel);
    let path = send.channel.webhook_path(name).expect("demo channels have webhooks");
    let url = format!("{base}{path}");
    let request = match &send.body {
        Body::Form(params) => {
            http.post(&url).header("x-twilio-signature", twilio::signature(key, &url, params)).form(params)
        }
        Body::Json(bytes) => {
            let ts = Timestamp::now().as_second();
            http.post(&url)
                .header("content-type", "application/json")
                .header(web::TIMESTAMP_HEADER, ts.to_string())
                .header(web::SIGNATURE_HEADER, web::sign(key.as_bytes(), ts, bytes))
                .body(bytes.clone())
        }
    };
    let response = request.send().await.with_context(|| format!("cannot reach {base}"))?;
    let status = response.status();
    Ok((path, status, response.text().await.unwrap_or_default()))
}

/// A demo customer (or, every fourth contact, a stranger) with an identifier of `kind`.
fn sender(people: &[CustomerBundle], i: usize, kind: IdentityKind) -> Sender {
    if i % 4 == 3 {
        let value = match kind {
            IdentityKind::Phone => format!("+4477009{:05}", 90_000 + i % 10_000),
            IdentityKind::BranchCustomerNo => format!("LDN-9{:05}", i % 100_000),
            _ => format!("visitor-{i}"),
        };
        return Sender { customer: None, value };
    }
    (0..people.len())
        .map(|k| &people[(i * 37 + k) % people.len()].customer)
        .find_map(|c| {
            let id = c.identities.iter().find(|id| id.kind() == kind)?;
            Some(Sender { customer: Some((c.id.0, c.name.clone())), value: id.value().to_string() })
        })
        .unwrap_or(Sender { customer: None, value: format!("visitor-{i}") })
}

fn who(s: &Sender) -> String {
    match &s.customer {
        Some((id, n)) => format!("{n} (C-{id}, {})", s.value),
        None => format!("a stranger ({})", s.value),
    }
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The `i`th contact of run `run`: the six kinds in turn.
fn contact(people: &[CustomerBundle], run: i64, i: usize, now: Timestamp) -> Send {
    let id = format!("{run:x}{i:06x}");
    let sid = |prefix: &str| format!("{prefix}{id:0>32}");
    match i % 6 {
        0 | 5 => {
            let from = sender(people, i, IdentityKind::Phone);
            let (status, duration) = if i.is_multiple_of(6) { ("completed", "287") } else { ("no-answer", "0") };
            let stamp = jiff::fmt::rfc2822::DateTimePrinter::new().timestamp_to_string(&now).unwrap_or_default();
            let params = pairs(&[
                ("AccountSid", DEMO_ACCOUNT_SID),
                ("ApiVersion", "2010-04-01"),
                ("CallSid", &sid("CA")),
                ("CallStatus", status),
                ("CallDuration", duration),
                ("Direction", "inbound"),
                ("From", &from.value),
                ("To", "+447700900000"),
                ("SequenceNumber", "3"),
                ("Timestamp", &stamp),
                ("CallbackSource", "call-progress-events"),
            ]);
            let what = if status == "completed" { "call" } else { "missed call" };
            Send {
                channel: ChannelKind::TwilioVoice,
                body: Body::Form(params),
                about: format!("{what} from {}", who(&from)),
            }
        }
        1 => {
            let from = sender(people, i, IdentityKind::Phone);
            let params = pairs(&[
                ("AccountSid", DEMO_ACCOUNT_SID),
                ("ApiVersion", "2010-04-01"),
                ("MessageSid", &sid("SM")),
                ("SmsSid", &sid("SM")),
                ("From", &from.value),
                ("To", "+447700900000"),
                ("Body", SMS_TEXTS[i / 6 % SMS_TEXTS.len()]),
                ("NumMedia", "0"),
                ("NumSegments", "1"),
            ]);
            Send {
                channel: ChannelKind::TwilioSms,
                body: Body::Form(params),
                about: format!("SMS from {}", who(&from)),
            }
        }
        2 => {
            let from = sender(people, i, IdentityKind::WebAccountId);
            let (topic, subject, message) = FORM_SUBJECTS[i / 6 % FORM_SUBJECTS.len()];
            let form = WebEvent::Form(Form {
                id: format!("form-{id}"),
                submitted_at: now,
                account_id: Some(from.value.clone()),
                email: None,
                phone: None,
                name: from.customer.as_ref().map(|c| c.1.clone()),
                topic: Some(topic.into()),
                subject: subject.into(),
                message: message.into(),
                fields: BTreeMap::new(),
            });
            let body = serde_json::to_vec(&form).expect("a form serialises");
            Send { channel: ChannelKind::Web, body: Body::Json(body), about: format!("web form from {}", who(&from)) }
        }
        3 => {
            let from = sender(people, i, IdentityKind::WebAccountId);
            let at = |secs: i64| now - jiff::SignedDuration::from_secs(secs);
            let line = |from: Speaker, name: Option<&str>, secs: i64, text: &str| ChatMessage {
                from,
                name: name.map(str::to_string),
                at: at(secs),
                text: text.into(),
            };
            let chat = WebEvent::Chat(Chat {
                id: format!("chat-{id}"),
                started_at: at(300),
                ended_at: Some(now),
                visitor: Visitor {
                    account_id: Some(from.value.clone()),
                    email: None,
                    phone: None,
                    name: from.customer.as_ref().map(|c| c.1.clone()),
                },
                topic: Some("card_declined".into()),
                messages: vec![
                    line(Speaker::Visitor, None, 290, "My card keeps getting declined at the supermarket."),
                    line(Speaker::Agent, Some("Kim"), 240, "Sorry to hear that. Can you tell me the last four digits?"),
                    line(Speaker::Visitor, None, 200, "It ends in 4821."),
                    line(Speaker::Agent, Some("Kim"), 60, "A fraud check blocked it; I have lifted the block."),
                ],
            });
            let body = serde_json::to_vec(&chat).expect("a chat serialises");
            Send { channel: ChannelKind::Web, body: Body::Json(body), about: format!("chat from {}", who(&from)) }
        }
        _ => {
            let from = sender(people, i, IdentityKind::BranchCustomerNo);
            let visit = branch::Visit {
                visit_id: format!("visit-{id}"),
                branch_id: "LDN-01".into(),
                staff: "Sam Patel".into(),
                reason: VISIT_REASONS[i / 6 % VISIT_REASONS.len()].into(),
                customer_number: from.value.clone(),
                visited_at: now,
                notes: None,
            };
            let body = serde_json::to_vec(&visit).expect("a visit serialises");
            Send {
                channel: ChannelKind::Branch,
                body: Body::Json(body),
                about: format!("branch visit by {}", who(&from)),
            }
        }
    }
}
