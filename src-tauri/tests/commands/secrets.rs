//! The credential path against the REAL OS keyring (on Linux, a Secret Service over
//! D-Bus). Run it inside a private session so it never touches anyone's own keyring:
//!
//! ```text
//! dbus-run-session -- bash -c 'eval $(echo -n pw | gnome-keyring-daemon --unlock --components=secrets); \
//!     cargo test -p tideline-console --test commands keyring'
//! ```
//!
//! (`scripts/test.sh` does this.) With no keyring it fails, loudly: set
//! `TIDELINE_SKIP_KEYRING_TESTS=1` to skip it on purpose (each skipped test then says so
//! on stderr; `scripts/test.sh`, which CI runs, refuses that variable).

use std::io::Write;
use tideline_console::credentials::{self, CredentialError};

const SERVER: &str = "http://127.0.0.1:7420";

/// A username of this run's own, so runs never see each other's entries.
fn username() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("keyring-test-{}-{nanos}", std::process::id())
}

/// True when `TIDELINE_SKIP_KEYRING_TESTS=1`: then `test` is skipped, and says so on
/// stderr even though it passes (written to the handle, which the test harness does
/// not capture, so the line shows in every run's output).
pub fn skip(test: &str) -> bool {
    let skip = std::env::var("TIDELINE_SKIP_KEYRING_TESTS").is_ok_and(|v| v == "1");
    if skip {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: TIDELINE_SKIP_KEYRING_TESTS=1, so the OS keyring was NOT tested"
        );
    }
    skip
}

fn need_keyring<T>(r: Result<T, CredentialError>) -> T {
    match r {
        Ok(v) => v,
        Err(e @ CredentialError::NoKeyring(_)) => panic!(
            "{e}\nThis test needs a real Secret Service: run it under \
             `dbus-run-session -- bash -c 'eval $(echo -n pw | gnome-keyring-daemon --unlock --components=secrets); cargo test …'`, \
             or set TIDELINE_SKIP_KEYRING_TESTS=1 to skip it."
        ),
        Err(e) => panic!("the keyring failed: {e}"),
    }
}

#[test]
fn keyring_round_trips_the_token_through_the_real_secret_service() {
    if skip("keyring_round_trips_the_token_through_the_real_secret_service") {
        return;
    }
    let user = username();
    assert_eq!(need_keyring(credentials::load_token(SERVER, &user)), None, "a new account has no token");
    need_keyring(credentials::save_token(SERVER, &user, "tok-1"));
    assert_eq!(need_keyring(credentials::load_token(SERVER, &user)).as_deref(), Some("tok-1"));
    need_keyring(credentials::save_token(SERVER, &user, "tok-2"));
    assert_eq!(need_keyring(credentials::load_token(SERVER, &user)).as_deref(), Some("tok-2"), "replaced, not added");

    // It is in the Secret Service itself, not only in the kernel keyring in front of it.
    #[cfg(target_os = "linux")]
    {
        let ss = keyring::secret_service::SsCredential::new_with_target(
            None,
            credentials::SERVICE,
            &format!("token:{user}@{SERVER}"),
        )
        .unwrap();
        let entry = keyring::Entry::new_with_credential(Box::new(ss));
        assert_eq!(entry.get_password().unwrap(), "tok-2");
    }

    need_keyring(credentials::delete_token(SERVER, &user));
    assert_eq!(need_keyring(credentials::load_token(SERVER, &user)), None);
    need_keyring(credentials::delete_token(SERVER, &user)); // twice is fine
}

#[test]
fn keyring_keeps_one_cache_key_per_account_until_it_is_deleted() {
    if skip("keyring_keeps_one_cache_key_per_account_until_it_is_deleted") {
        return;
    }
    let (a, b) = (username() + "-a", username() + "-b");
    let key = need_keyring(credentials::load_or_create_cache_key(SERVER, &a));
    assert_eq!(need_keyring(credentials::load_or_create_cache_key(SERVER, &a)), key, "the same key comes back");
    assert_ne!(need_keyring(credentials::load_or_create_cache_key(SERVER, &b)), key, "each account has its own");
    assert_ne!(key, [0u8; 32]);
    need_keyring(credentials::delete_cache_key(SERVER, &a));
    need_keyring(credentials::delete_cache_key(SERVER, &b));
    assert_ne!(need_keyring(credentials::load_or_create_cache_key(SERVER, &a)), key, "a deleted key is never reused");
    need_keyring(credentials::delete_cache_key(SERVER, &a));
}
