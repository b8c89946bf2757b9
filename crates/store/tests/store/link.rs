use crate::fixture::*;
use tideline_core::mutation::Mutation;
use tideline_core::timeline::TimelineItem;
use tideline_core::{Actor, CustomerId, IdentityKind, TouchpointId};
use tideline_store::{StoreError, TimelineQuery};

fn timeline_ids(f: &Fixture, customer: i64) -> Vec<i64> {
    f.store
        .timeline(&TimelineQuery::newest(CustomerId(customer), 100))
        .unwrap()
        .items
        .iter()
        .filter_map(|i| match i {
            TimelineItem::Touchpoint(t) => Some(t.id.0),
            _ => None,
        })
        .collect()
}

#[test]
fn linking_an_unlinked_mention_moves_it_to_the_customer_and_undo_restores_it() {
    let mut f = small();
    let handle = id(IdentityKind::XHandle, "@ann_lee_77");
    assert_eq!(f.store.customer_by_identity(&handle).unwrap(), None);

    let link = Mutation::LinkIdentity { touchpoint_id: TouchpointId(7), customer_id: CustomerId(1) };
    let applied = f.store.apply(&link, &Actor::agent("sam"), now()).unwrap();
    // Both posts from that handle are attached, not only the one the agent picked.
    assert_eq!(applied.touchpoints, vec![TouchpointId(7), TouchpointId(8)]);
    assert!(timeline_ids(&f, 1).contains(&7) && timeline_ids(&f, 1).contains(&8));
    assert_eq!(f.store.customer_by_identity(&handle).unwrap(), Some(CustomerId(1)));
    assert_eq!(f.store.unlinked(None, 10).unwrap().items.iter().map(|t| t.id.0).collect::<Vec<_>>(), vec![9]);
    assert_eq!(f.store.find_customer("@ann_lee_77").unwrap(), CustomerId(1));

    let undo = Mutation::UnlinkIdentity { identity: handle.clone(), customer_id: CustomerId(1) };
    let applied = f.store.apply(&undo, &Actor::agent("sam"), now()).unwrap();
    assert_eq!(applied.touchpoints, vec![TouchpointId(7), TouchpointId(8)]);
    assert!(!timeline_ids(&f, 1).contains(&7));
    assert_eq!(f.store.unlinked(None, 10).unwrap().items.len(), 3);
    assert_eq!(f.store.customer_by_identity(&handle).unwrap(), None);
    // Ann's own identities are untouched by the undo.
    assert_eq!(f.store.customer(CustomerId(1)).unwrap().identities.len(), 3);
    let names: Vec<&str> = f.store.outbox(10).unwrap().iter().map(|e| e.mutation.name()).collect();
    assert_eq!(names, vec!["link_identity", "unlink_identity"]);
}

#[test]
fn links_that_would_be_wrong_are_refused() {
    let mut f = small();
    let sam = Actor::agent("sam");
    let e = f.store.apply(
        &Mutation::LinkIdentity { touchpoint_id: TouchpointId(2), customer_id: CustomerId(2) },
        &sam,
        now(),
    );
    assert!(matches!(e, Err(StoreError::AlreadyLinked(_))));
    let e = f.store.apply(
        &Mutation::LinkIdentity { touchpoint_id: TouchpointId(7), customer_id: CustomerId(99) },
        &sam,
        now(),
    );
    assert_eq!(e.unwrap_err().to_string(), "customer C-99 is not in the cache");
    let undo = Mutation::UnlinkIdentity {
        identity: id(IdentityKind::Email, "ann.lee@example.com"),
        customer_id: CustomerId(1),
    };
    let e = f.store.apply(&undo, &sam, now()).unwrap_err();
    assert!(matches!(e, StoreError::NoLinkToUndo { .. }), "an identity that came with the customer is not a link");
    assert_eq!(f.store.outbox(10).unwrap().len(), 0);
}

#[test]
fn a_new_customer_can_be_made_from_an_unknown_caller() {
    let mut f = small();
    let sam = Actor::agent("sam");
    let e = f.store.apply(&Mutation::CreateCustomer { touchpoint_id: TouchpointId(9), name: "  ".into() }, &sam, now());
    assert_eq!(e.unwrap_err().to_string(), "a customer needs a name");
    let m = Mutation::CreateCustomer { touchpoint_id: TouchpointId(9), name: "Priya Shah".into() };
    let applied = f.store.apply(&m, &sam, now()).unwrap();
    // A provisional id, below every id the cache holds, until the server gives its own.
    assert_eq!(applied.customer_id, Some(CustomerId(-1)));
    assert_eq!(applied.touchpoints, vec![TouchpointId(9)]);
    let c = f.store.customer(CustomerId(-1)).unwrap();
    assert_eq!(c.name, "Priya Shah");
    assert_eq!(c.identities, vec![id(IdentityKind::Phone, "07911 123456")]);
    assert_eq!(f.store.find_customer("07911 123456").unwrap(), CustomerId(-1));
    assert_eq!(timeline_ids(&f, -1), vec![9]);
}
