//! Reads a stored inbox payload back into what it means, through the provider's parser
//! in `tideline-channels`. The webhook handler ran the same parser before storing, so a
//! failure here means the parser changed or the row was damaged; the event is kept as
//! failed with the reason.

use crate::db::channels::ChannelKind;
use jiff::Timestamp;
use tideline_channels::{branch, cdr, twilio, web};
use tideline_core::Delivery;
use tideline_core::intake::Contact;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Contact(Box<Contact>),
    /// A provider's report on a message we sent.
    Delivery {
        provider_id: String,
        delivery: Delivery,
    },
    /// Nothing for us (an event type we do not handle); why, for the log.
    Ignore(String),
}

pub fn parse(kind: ChannelKind, payload: &[u8], received_at: Timestamp) -> Result<Parsed, String> {
    let contact = |c: Contact| Ok(Parsed::Contact(Box::new(c)));
    match kind {
        ChannelKind::TwilioVoice => {
            let params = twilio::form(payload).map_err(|e| e.to_string())?;
            match twilio::voice_event(&params).map_err(|e| e.to_string())? {
                twilio::Event::Call(c) => contact(c.to_contact(received_at)),
                twilio::Event::Unknown { what } => Ok(Parsed::Ignore(what)),
                _ => Ok(Parsed::Ignore("a messaging event sent to a voice channel".into())),
            }
        }
        ChannelKind::TwilioSms => {
            let params = twilio::form(payload).map_err(|e| e.to_string())?;
            match twilio::messaging_event(&params).map_err(|e| e.to_string())? {
                twilio::Event::Message(m) => contact(m.to_contact(received_at)),
                twilio::Event::MessageStatus(s) => {
                    Ok(Parsed::Delivery { provider_id: s.message_sid, delivery: s.delivery })
                }
                twilio::Event::Unknown { what } => Ok(Parsed::Ignore(what)),
                twilio::Event::Call(_) => Ok(Parsed::Ignore("a call event sent to a messaging channel".into())),
            }
        }
        ChannelKind::Web => match web::parse_event(payload).map_err(|e| e.to_string())? {
            Some(e) => contact(e.to_contact()),
            None => Ok(Parsed::Ignore("an event type websites do not send".into())),
        },
        ChannelKind::Branch => contact(branch::parse_visit(payload).map_err(|e| e.to_string())?.to_contact()),
        ChannelKind::Pbx => contact(cdr::parse_record(payload).map_err(|e| e.to_string())?.to_contact()),
    }
}
