use crate::fixture::*;
use tideline_core::timeline::TimelineItem;
use tideline_core::{CaseId, Channel, CustomerId};
use tideline_store::TimelineQuery;

fn label(i: &TimelineItem) -> String {
    match i {
        TimelineItem::Touchpoint(t) => format!("{} {}", t.id, t.channel),
        TimelineItem::CaseEvent { event, .. } => format!("{} {}", event.case_id, event.kind.name()),
    }
}

#[test]
fn the_timeline_merges_channels_and_case_events_newest_first() {
    let f = small();
    let page = f.store.timeline(&TimelineQuery::newest(CustomerId(1), 50)).unwrap();
    let got: Vec<String> = page.items.iter().map(label).collect();
    // T-2 and T-4 share 13:30: the later-recorded id first; touchpoints before the
    // case events of the same instant.
    assert_eq!(
        got,
        vec!["CS-1 acknowledged", "T-4 x", "T-2 phone", "CS-1 opened", "T-3 email", "T-1 branch", "T-5 chat",]
    );
    assert_eq!(page.next, None);
    let times: Vec<_> = page.items.iter().map(TimelineItem::at).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn paging_by_cursor_neither_repeats_nor_skips() {
    let f = small();
    let all: Vec<String> =
        f.store.timeline(&TimelineQuery::newest(CustomerId(1), 50)).unwrap().items.iter().map(label).collect();
    for size in 1..=4 {
        let mut q = TimelineQuery::newest(CustomerId(1), size);
        let mut seen = Vec::new();
        loop {
            let page = f.store.timeline(&q).unwrap();
            assert!(page.items.len() <= size);
            seen.extend(page.items.iter().map(label));
            match page.next {
                Some(c) => q.before = Some(c),
                None => break,
            }
        }
        assert_eq!(seen, all, "page size {size}");
    }
}

#[test]
fn filters_by_case_and_channel_and_jumps_to_a_date() {
    let f = small();
    let mut q = TimelineQuery::newest(CustomerId(1), 50);
    q.case = Some(CaseId(1));
    let got: Vec<String> = f.store.timeline(&q).unwrap().items.iter().map(label).collect();
    assert_eq!(got, vec!["CS-1 acknowledged", "T-4 x", "T-2 phone", "CS-1 opened"]);

    let mut q = TimelineQuery::newest(CustomerId(1), 50);
    q.channels = Some(vec![Channel::Email, Channel::Chat]);
    let got: Vec<String> = f.store.timeline(&q).unwrap().items.iter().map(label).collect();
    assert_eq!(got, vec!["T-3 email", "T-5 chat"]);

    let q = TimelineQuery::before_time(CustomerId(1), t("2026-02-21T00:00:00Z"), 50);
    let got: Vec<String> = f.store.timeline(&q).unwrap().items.iter().map(label).collect();
    assert_eq!(got, vec!["T-1 branch", "T-5 chat"]);
}

#[test]
fn the_unlinked_list_holds_only_touchpoints_nobody_owns() {
    let f = small();
    let page = f.store.unlinked(None, 2).unwrap();
    let ids: Vec<i64> = page.items.iter().map(|t| t.id.0).collect();
    assert_eq!(ids, vec![8, 7]);
    let rest = f.store.unlinked(page.next, 2).unwrap();
    assert_eq!(rest.items.iter().map(|t| t.id.0).collect::<Vec<_>>(), vec![9]);
    assert_eq!(rest.next, None);
}
