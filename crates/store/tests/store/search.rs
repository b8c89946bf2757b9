use crate::fixture::*;
use tideline_core::CustomerId;

#[test]
fn a_phone_number_in_local_format_finds_its_customer_first() {
    let f = small();
    for typed in ["020 7946 0018", "+44 20 7946 0018", "(020) 7946-0018"] {
        let r = f.store.search(typed, 5).unwrap();
        assert_eq!(r.customers.first().map(|c| c.id), Some(CustomerId(1)), "{typed}");
        assert_eq!(r.customers[0].matched_identity.as_ref().unwrap().value(), "+442079460018");
    }
}

#[test]
fn words_find_customers_cases_and_touchpoints() {
    let f = small();
    let r = f.store.search("declined", 10).unwrap();
    let ids: Vec<i64> = r.touchpoints.iter().map(|t| t.id.0).collect();
    assert_eq!(ids, vec![7, 4, 2], "newest recorded first, linked or not");
    let r = f.store.search("bob", 10).unwrap();
    assert_eq!(r.customers.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["Bob Stone"]);
    // Type-ahead: a prefix finds the name.
    assert_eq!(f.store.search("ann le", 10).unwrap().customers[0].id, CustomerId(1));
    let r = f.store.search("case 2", 10).unwrap();
    assert_eq!(r.cases.first().map(|c| c.id.0), Some(2));
    // Every word must match.
    assert!(f.store.search("declined mortgage", 10).unwrap().touchpoints.is_empty());
}

#[test]
fn search_syntax_in_user_input_is_harmless() {
    let f = small();
    for q in ["\"", "OR", "NEAR(", "card AND", "*", "-- ;", "ann\"lee"] {
        assert!(f.store.search(q, 10).is_ok(), "{q}");
    }
    assert!(f.store.search("zzzz", 10).unwrap().is_empty());
}

#[test]
fn ids_find_their_customer_or_case() {
    let f = small();
    assert_eq!(f.store.search("C-2", 5).unwrap().customers[0].name, "Bob Stone");
    let r = f.store.search("cs-1", 5).unwrap();
    assert_eq!(r.cases.iter().map(|c| c.id.0).collect::<Vec<_>>(), vec![1]);
    assert!(f.store.search("C-99", 5).unwrap().customers.is_empty());
}
