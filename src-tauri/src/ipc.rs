//! Keeps every IPC response under about 64 KB of JSON. Pages are already bounded in
//! rows; these bound them in bytes too, since one email body may be long.

use tideline_core::timeline::TimelineItem;
use tideline_core::touchpoint::Touchpoint;
use tideline_store::TimelinePage;

/// The JSON budget for one response.
pub const MAX_RESPONSE_BYTES: usize = 60 * 1024;

/// The longest body sent in a list; the rest is marked as cut.
pub const MAX_LISTED_BODY: usize = 4 * 1024;

/// Cuts a long body at a character boundary and says so.
pub fn clip_body(t: &mut Touchpoint, max: usize) {
    if let Some(b) = &mut t.body
        && b.len() > max
    {
        let mut cut = max;
        while !b.is_char_boundary(cut) {
            cut -= 1;
        }
        b.truncate(cut);
        b.push_str(" … [cut: the full text is in the source system]");
    }
}

/// Drops items from the end of a timeline page until its JSON fits the budget, and
/// points `next` at the last item kept, so the dropped items open the next page.
pub fn fit_timeline(mut page: TimelinePage) -> TimelinePage {
    for item in &mut page.items {
        if let TimelineItem::Touchpoint(t) = item {
            clip_body(t, MAX_LISTED_BODY);
        }
    }
    let mut used = 64; // the envelope
    let mut keep = 0;
    for item in &page.items {
        let size = serde_json::to_string(item).map(|s| s.len() + 1).unwrap_or(0);
        if keep > 0 && used + size > MAX_RESPONSE_BYTES {
            break;
        }
        used += size;
        keep += 1;
    }
    if keep < page.items.len() {
        page.items.truncate(keep);
        page.next = page.items.last().map(TimelineItem::cursor);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use tideline_core::{Actor, Channel, CustomerId, Direction, TouchpointId};

    fn email(id: i64, body_len: usize) -> TimelineItem {
        TimelineItem::Touchpoint(Touchpoint {
            id: TouchpointId(id),
            customer_id: Some(CustomerId(1)),
            case_id: None,
            channel: Channel::Email,
            direction: Direction::Inbound,
            actor: Actor::Customer,
            occurred_at: jiff::Timestamp::from_second(1_700_000_000 - id).unwrap(),
            identity: None,
            summary: "Long email".into(),
            body: Some("é".repeat(body_len / 2)),
            facts: Default::default(),
        })
    }

    #[test]
    fn long_bodies_are_cut_and_the_page_shortened_to_fit() {
        let items: Vec<TimelineItem> = (1..=100).map(|i| email(i, 60_000)).collect();
        let page = fit_timeline(TimelinePage { items, next: None });
        let len = serde_json::to_string(&page).unwrap().len();
        assert!(len <= MAX_RESPONSE_BYTES, "{len}");
        assert!(page.items.len() > 1 && page.items.len() < 100);
        assert_eq!(page.next, page.items.last().map(TimelineItem::cursor));
        let TimelineItem::Touchpoint(t) = &page.items[0] else { panic!() };
        assert!(t.body.as_ref().unwrap().ends_with("[cut: the full text is in the source system]"));
    }
}
