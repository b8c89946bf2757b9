use crate::fixture::*;
use tideline_store::{SCHEMA_VERSION, Store, StoreConfig, StoreError};

#[test]
fn a_new_cache_is_migrated_and_in_wal_mode() {
    let f = empty();
    let v: i64 = f.store.connection().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let mode: String = f.store.connection().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let f = f.reopen();
    f.store.integrity_check().unwrap();
}

#[test]
fn opening_what_is_not_a_cache_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.db");
    let e = Store::open(&missing, StoreConfig::default()).err().unwrap();
    assert!(matches!(e, StoreError::Missing(_)));
    assert_eq!(e.to_string(), format!("no cache at {0} (create one with `tideline demo --db {0}`)", missing.display()));

    let junk = dir.path().join("notes.txt");
    std::fs::write(&junk, "this is a shopping list, not a database ".repeat(200)).unwrap();
    let e = Store::open(&junk, StoreConfig::default()).err().unwrap();
    assert!(matches!(e, StoreError::NotACache(_)), "{e:?}");
    // The file is left exactly as it was.
    assert!(std::fs::read_to_string(&junk).unwrap().starts_with("this is a shopping list"));

    let e = Store::create(&junk, StoreConfig::default()).err().unwrap();
    assert!(matches!(e, StoreError::Exists(_)), "{e:?}");
}

#[test]
fn a_cache_from_a_newer_version_is_refused_not_damaged() {
    let f = empty();
    f.store.connection().pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    let path = f.path();
    drop(f.store);
    let e = Store::open(&path, StoreConfig::default()).err().unwrap();
    assert!(matches!(e, StoreError::NewerSchema { .. }), "{e:?}");
}
