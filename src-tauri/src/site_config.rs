//! The server an IT team pre-configured for this machine, so agents never type it.
//!
//! A JSON file `{"server": "https://tideline.example.com"}` in the platform's system-wide
//! configuration folder ([`system_path`]), written by the installer or by the IT team's
//! deployment tool. `TIDELINE_CONFIG` names another file (tests, trials).

use std::path::{Path, PathBuf};

/// Names the configuration file instead of the system location.
pub const CONFIG_VAR: &str = "TIDELINE_CONFIG";

/// What the file may say.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The server every sign-in on this machine goes to.
    pub server: String,
}

/// The system-wide file: `/etc/tideline/console.json` on Linux,
/// `/Library/Application Support/Tideline/console.json` on macOS,
/// `%ProgramData%\Tideline\console.json` on Windows.
pub fn system_path() -> PathBuf {
    if cfg!(windows) {
        let base = std::env::var_os("ProgramData").map_or_else(|| PathBuf::from(r"C:\ProgramData"), PathBuf::from);
        base.join("Tideline").join("console.json")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/Tideline/console.json")
    } else {
        PathBuf::from("/etc/tideline/console.json")
    }
}

/// The file in force: `$TIDELINE_CONFIG`, else the system location.
pub fn path() -> PathBuf {
    std::env::var_os(CONFIG_VAR).filter(|p| !p.is_empty()).map_or_else(system_path, PathBuf::from)
}

/// The configuration, `Ok(None)` when there is no file, or why the file is unusable
/// (said on the sign-in screen, so the agent can tell IT what is wrong).
pub fn read(path: &Path) -> Result<Option<SiteConfig>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("The console's configuration {} cannot be read: {e}.", path.display())),
    };
    let config: SiteConfig = serde_json::from_str(&text)
        .map_err(|e| format!("The console's configuration {} is not valid: {e}. Ask your IT team.", path.display()))?;
    let server = config.server.trim().trim_end_matches('/').to_string();
    if !(server.starts_with("http://") || server.starts_with("https://")) {
        return Err(format!(
            "The console's configuration {} names `{server}`, which is not a server address. Ask your IT team.",
            path.display()
        ));
    }
    Ok(Some(SiteConfig { server }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<Option<SiteConfig>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("console.json");
        std::fs::write(&path, text).unwrap();
        read(&path)
    }

    #[test]
    fn a_configured_server_is_read_and_tidied() {
        let got = read_text(r#"{"server": " https://tideline.example.com/ "}"#).unwrap();
        assert_eq!(got, Some(SiteConfig { server: "https://tideline.example.com".into() }));
    }

    #[test]
    fn no_file_means_no_configuration_and_a_bad_one_says_what_is_wrong() {
        assert_eq!(read(Path::new("/nonexistent/tideline/console.json")), Ok(None));
        let e = read_text("{server: nope").unwrap_err();
        assert!(e.starts_with("The console's configuration ") && e.ends_with("Ask your IT team."), "{e}");
        let e = read_text(r#"{"server": "tideline.example.com"}"#).unwrap_err();
        assert!(e.contains("`tideline.example.com`, which is not a server address"), "{e}");
        let e = read_text(r#"{"server": "https://a", "password": "x"}"#).unwrap_err();
        assert!(e.contains("unknown field `password`"), "{e}");
    }
}
