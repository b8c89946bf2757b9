//! Secrets in the OS keyring, and the one non-secret file that says who signed in last.
//!
//! The keyring (service [`SERVICE`]) holds two entries per `(server, username)`: the
//! session token, and the 32-byte key that encrypts the local cache (as hex). On Linux
//! that is the Secret Service over D-Bus (GNOME Keyring, KWallet), on macOS the
//! Keychain, on Windows the Credential Manager. `session.json` in the data directory
//! holds only `{server, username}` of the last sign-in, never a secret.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The keyring service every entry is filed under.
pub const SERVICE: &str = "app.tideline.console";

/// The file naming the last sign-in, in the data directory.
pub const SESSION_FILE: &str = "session.json";

pub const NO_KEYRING: &str = "No OS keyring is available: on Linux, start a Secret Service such as GNOME Keyring";

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// No keyring answered, or it refused access (locked, no default collection).
    #[error("{NO_KEYRING} ({0})")]
    NoKeyring(String),
    #[error("the OS keyring failed: {0}")]
    Keyring(String),
    #[error("the cache key in the OS keyring is damaged; sign in again")]
    BadKey,
    #[error("cannot {what} {path}: {error}", path = .path.display())]
    File { what: &'static str, path: PathBuf, error: String },
}

impl From<keyring::Error> for CredentialError {
    fn from(e: keyring::Error) -> Self {
        match e {
            keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => {
                CredentialError::NoKeyring(e.to_string())
            }
            e => CredentialError::Keyring(e.to_string()),
        }
    }
}

/// Who signed in last, and where. Not a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastSignIn {
    pub server: String,
    pub username: String,
}

impl LastSignIn {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(SESSION_FILE)
    }

    /// `None` when there is no file, or it cannot be read (then sign-in starts afresh).
    pub fn read(dir: &Path) -> Option<LastSignIn> {
        let text = std::fs::read_to_string(Self::path(dir)).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn write(&self, dir: &Path) -> Result<(), CredentialError> {
        let path = Self::path(dir);
        let text = serde_json::to_string_pretty(self).expect("two strings always serialise");
        std::fs::write(&path, text).map_err(|e| CredentialError::File { what: "write", path, error: e.to_string() })
    }
}

fn entry(kind: &str, server: &str, username: &str) -> Result<keyring::Entry, CredentialError> {
    Ok(keyring::Entry::new(SERVICE, &format!("{kind}:{username}@{server}"))?)
}

fn get(e: &keyring::Entry) -> Result<Option<String>, CredentialError> {
    match e.get_password() {
        Ok(s) => Ok(Some(s)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn delete(e: &keyring::Entry) -> Result<(), CredentialError> {
    match e.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Windows' Credential Manager holds at most 2,560 bytes per secret, stored as UTF-16.
/// Every platform is held to it, so a secret that works on Linux works on Windows too.
pub const MAX_SECRET_BYTES: usize = 2_560;

fn fits(secret: &str) -> Result<(), CredentialError> {
    let bytes = secret.encode_utf16().count() * 2;
    if bytes > MAX_SECRET_BYTES {
        return Err(CredentialError::Keyring(format!(
            "a secret of {bytes} bytes does not fit the {MAX_SECRET_BYTES} bytes Windows' Credential Manager holds"
        )));
    }
    Ok(())
}

pub fn save_token(server: &str, username: &str, token: &str) -> Result<(), CredentialError> {
    fits(token)?;
    Ok(entry("token", server, username)?.set_password(token)?)
}

/// The saved token, or `None` when there is none (never signed in, or signed out).
pub fn load_token(server: &str, username: &str) -> Result<Option<String>, CredentialError> {
    get(&entry("token", server, username)?)
}

/// Deleting a token that is not there is not an error.
pub fn delete_token(server: &str, username: &str) -> Result<(), CredentialError> {
    delete(&entry("token", server, username)?)
}

/// The cache key for this account: the saved one, or a new random one, saved first.
pub fn load_or_create_cache_key(server: &str, username: &str) -> Result<[u8; 32], CredentialError> {
    let e = entry("cache-key", server, username)?;
    if let Some(hex) = get(&e)? {
        return from_hex(&hex).ok_or(CredentialError::BadKey);
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key)
        .map_err(|err| CredentialError::Keyring(format!("no randomness for a cache key: {err}")))?;
    let hex = to_hex(&key);
    fits(&hex)?;
    e.set_password(&hex)?;
    Ok(key)
}

pub fn delete_cache_key(server: &str, username: &str) -> Result<(), CredentialError> {
    delete(&entry("cache-key", server, username)?)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_hex() {
        let key: [u8; 32] = std::array::from_fn(|i| (i * 37 % 256) as u8);
        assert_eq!(from_hex(&to_hex(&key)), Some(key));
        assert_eq!(from_hex("zz"), None);
        assert_eq!(from_hex(&"g".repeat(64)), None);
    }

    #[test]
    fn the_session_file_holds_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(LastSignIn::read(dir.path()), None);
        let last = LastSignIn { server: "http://127.0.0.1:7420".into(), username: "kim".into() };
        last.write(dir.path()).unwrap();
        assert_eq!(LastSignIn::read(dir.path()), Some(last));
        let text = std::fs::read_to_string(LastSignIn::path(dir.path())).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 2, "{text}");
    }

    #[test]
    fn our_secrets_fit_windows_credential_manager_and_a_larger_one_is_refused_first() {
        // A session token is 43 characters and a cache key 64 hex digits: 86 and 128
        // bytes as UTF-16, far under the limit.
        assert!(fits(&"t".repeat(43)).is_ok() && fits(&to_hex(&[0xab; 32])).is_ok());
        assert!(fits(&"t".repeat(1_280)).is_ok());
        let e = save_token("http://127.0.0.1:1", "kim", &"t".repeat(1_281)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the OS keyring failed: a secret of 2562 bytes does not fit the 2560 bytes Windows' Credential Manager holds"
        );
    }
}
