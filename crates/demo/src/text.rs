//! Slot-filling for message templates: `{merchant}`, `{amount}`, `{card}`, ...
//!
//! A story picks its slot values once, so every message about one problem names the same
//! merchant, amount and card ending.

use crate::words::{BANK, BANK_HANDLE, MONTHS, WEEKDAYS};
use std::fmt::Write;

#[derive(Debug, Clone)]
pub(crate) struct Slots<'a> {
    pub first: &'a str,
    pub last: &'a str,
    /// The business name for business accounts, else empty.
    pub business: &'a str,
    /// The agent's display name.
    pub agent: &'a str,
    pub merchant: &'static str,
    pub biller: &'static str,
    pub payee: &'static str,
    pub device: &'static str,
    pub scam: &'static str,
    pub branch: &'static str,
    /// Amounts in pence.
    pub amount: u64,
    pub big: u64,
    pub fee: u64,
    pub mortgage: u64,
    /// Basis points, e.g. 479 for 4.79%.
    pub rate: u32,
    pub card: u16,
    pub newcard: u16,
    pub acct: u16,
    /// (weekday Monday = 0, day of month, month 1..=12) of the transaction in question.
    pub date: (u8, u8, u8),
    pub days: u32,
    pub case_ref: i64,
    pub app: (u8, u8),
}

fn money(out: &mut String, pence: u64) {
    let pounds = pence / 100;
    out.push('£');
    if pounds >= 1000 {
        let _ = write!(out, "{},{:03}", pounds / 1000, pounds % 1000);
    } else {
        let _ = write!(out, "{pounds}");
    }
    let _ = write!(out, ".{:02}", pence % 100);
}

/// Appends `tpl` to `out`, replacing each `{slot}` by its value.
pub(crate) fn render_into(out: &mut String, tpl: &str, s: &Slots<'_>) {
    let mut rest = tpl;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or_else(|| panic!("unclosed slot in template: {tpl}"));
        let name = &after[..close];
        match name {
            "first" => out.push_str(s.first),
            "last" => out.push_str(s.last),
            "business" => out.push_str(s.business),
            "agent" => out.push_str(s.agent),
            "initials" => {
                let mut cs = s.agent.chars();
                out.extend(cs.next().map(|c| c.to_ascii_uppercase()));
                out.extend(cs.next().map(|c| c.to_ascii_uppercase()));
            }
            "merchant" => out.push_str(s.merchant),
            "biller" => out.push_str(s.biller),
            "payee" => out.push_str(s.payee),
            "device" => out.push_str(s.device),
            "scam" => out.push_str(s.scam),
            "branch" => out.push_str(s.branch),
            "bank" => out.push_str(BANK),
            "bank_handle" => out.push_str(BANK_HANDLE),
            "amount" => money(out, s.amount),
            "big" => money(out, s.big),
            "fee" => money(out, s.fee),
            "mortgage" => money(out, s.mortgage),
            "rate" => {
                let _ = write!(out, "{}.{:02}%", s.rate / 100, s.rate % 100);
            }
            "card" => {
                let _ = write!(out, "{:04}", s.card);
            }
            "newcard" => {
                let _ = write!(out, "{:04}", s.newcard);
            }
            "acct" => {
                let _ = write!(out, "{:04}", s.acct);
            }
            "date" => {
                let (wd, d, m) = s.date;
                let _ = write!(out, "{} {} {}", WEEKDAYS[wd as usize], d, MONTHS[m as usize - 1]);
            }
            "days" => {
                let _ = write!(out, "{}", s.days);
            }
            "ref" => {
                let _ = write!(out, "CS-{}", s.case_ref);
            }
            "app" => {
                let _ = write!(out, "{}.{}", s.app.0, s.app.1);
            }
            other => panic!("unknown slot {{{other}}} in template: {tpl}"),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
}

pub(crate) fn render(tpl: &str, s: &Slots<'_>) -> String {
    let mut out = String::with_capacity(tpl.len() + tpl.len() / 4 + 48);
    render_into(&mut out, tpl, s);
    out
}

#[cfg(test)]
pub(crate) fn sample_slots() -> Slots<'static> {
    Slots {
        first: "Ann",
        last: "Lee",
        business: "",
        agent: "Sam",
        merchant: "Greggs",
        biller: "EE",
        payee: "HMRC",
        device: "Pixel 8",
        scam: "a text pretending to be Royal Mail",
        branch: "Leeds Briggate",
        amount: 2340,
        big: 125_000,
        fee: 1500,
        mortgage: 113_427,
        rate: 479,
        card: 42,
        newcard: 9012,
        acct: 1234,
        date: (1, 14, 5),
        days: 3,
        case_ref: 77,
        app: (7, 42),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_filled_and_money_is_formatted() {
        let s = sample_slots();
        assert_eq!(
            render("{first}: {amount} at {merchant} on {date}, card {card}, {big}, {rate}, {ref}, ^{initials}", &s),
            "Ann: £23.40 at Greggs on Tuesday 14 May, card 0042, £1,250.00, 4.79%, CS-77, ^SA"
        );
    }
}
