//! A fresh install: no session, no server, no demo chosen. The console asks for the
//! server, checks it answers as Tideline, and opens the demo only when asked.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use tideline_console::api::SessionMode;
use tideline_console::ops;
use tideline_console::state::{AppState, DEMO_CACHE, DEMO_CHOSEN};

fn start(dir: &Path, config: &Path) -> AppState {
    AppState::start_with_config(dir, Arc::new(|_| {}), config).unwrap()
}

#[test]
fn a_fresh_install_opens_the_sign_in_screen_and_never_the_demo_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let no_config = dir.path().join("no-such-config.json");
    let state = start(dir.path(), &no_config);
    let info = ops::session_info(&state).unwrap();
    assert_eq!(info.mode, SessionMode::SignedOut);
    assert_eq!((info.last_server, info.configured_server, info.message), (None, None, None));
    assert!(!dir.path().join(DEMO_CACHE).exists(), "no demo was made");
    // Even a demo cache left in the folder does not open by itself.
    drop(state);
    AppState::open_or_seed(dir.path()).unwrap();
    assert_eq!(ops::session_info(&start(dir.path(), &no_config)).unwrap().mode, SessionMode::SignedOut);
}

#[test]
fn the_demo_is_an_explicit_choice_remembered_until_a_server_is_configured() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("console.json");
    let state = start(dir.path(), &config);
    let info = ops::explore_demo(&state).unwrap();
    assert_eq!(info.mode, SessionMode::Demo);
    assert!(ops::app_status(&state).unwrap().demo);
    assert!(dir.path().join(DEMO_CHOSEN).exists());
    drop(state);
    // Chosen on this machine: it reopens.
    assert_eq!(ops::session_info(&start(dir.path(), &config)).unwrap().mode, SessionMode::Demo);
    // Once IT configures a server, a restart goes to the sign-in screen for it.
    std::fs::write(&config, r#"{"server": "https://tideline.bank.example/"}"#).unwrap();
    let info = ops::session_info(&start(dir.path(), &config)).unwrap();
    assert_eq!(info.mode, SessionMode::SignedOut);
    assert_eq!(info.configured_server.as_deref(), Some("https://tideline.bank.example"));
    assert_eq!(info.last_server.as_deref(), Some("https://tideline.bank.example"));
}

#[test]
fn a_broken_site_configuration_is_said_on_the_sign_in_screen() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("console.json");
    std::fs::write(&config, "{\"server\": ").unwrap();
    let info = ops::session_info(&start(dir.path(), &config)).unwrap();
    assert_eq!(info.mode, SessionMode::SignedOut);
    let message = info.message.unwrap();
    assert!(message.starts_with("The console's configuration ") && message.ends_with("Ask your IT team."), "{message}");
}

/// An HTTP server on loopback that answers every request with `response`.
fn answering(response: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

#[test]
fn a_server_that_is_not_tideline_or_too_new_is_explained_before_any_password() {
    let site = answering("HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\nconnection: close\r\n\r\nNot found");
    let e = ops::check_server(&site).unwrap_err();
    assert_eq!(
        e.message,
        format!(
            "{site} answered, but it is not a Tideline server (it answered 404 Not Found to /v1/version). Check the address."
        )
    );
    let other = answering(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 17\r\nconnection: close\r\n\r\n{\"status\": \"ok\"}\n",
    );
    assert!(ops::check_server(&other).unwrap_err().message.contains("its answer to /v1/version is not Tideline's"));
    let future = answering(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 72\r\nconnection: close\r\n\r\n{\"product\":\"tideline\",\"version\":\"9.0.0\",\"protocol\":99,\"min_protocol\":99}",
    );
    let e = ops::check_server(&future).unwrap_err();
    assert!(e.message.starts_with("This console is too old for the server at "), "{}", e.message);
    assert!(e.message.contains("the server needs 99 or newer). Update Tideline"), "{}", e.message);
    // Signing in checks the same way, so a password never reaches such a server.
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::signed_out(dir.path(), Arc::new(|_| {}), None);
    let e = ops::sign_in(&state, &site, "kim", "secret").unwrap_err();
    assert!(e.message.contains("is not a Tideline server"), "{}", e.message);
}

#[test]
fn a_certificate_that_cannot_be_trusted_gets_its_own_warning() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed (scripts/setup.sh)");
    assert!(made.success());
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut tls = Command::new("openssl")
        .args(["s_server", "-www", "-accept", &format!("127.0.0.1:{port}"), "-cert"])
        .arg(&cert)
        .arg("-key")
        .arg(&key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // It prints ACCEPT once it listens.
    let mut out = BufReader::new(tls.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("ACCEPT") {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "openssl s_server stopped");
    }
    let e = ops::check_server(&format!("https://127.0.0.1:{port}")).unwrap_err();
    let _ = tls.kill();
    let _ = tls.wait();
    assert!(
        e.message.starts_with(&format!("https://127.0.0.1:{port} answered, but its certificate cannot be trusted (")),
        "{}",
        e.message
    );
    assert!(e.message.ends_with("Do not sign in; ask your IT team."));
}

#[test]
fn an_address_nothing_answers_at_says_so() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let e = ops::check_server(&format!("http://127.0.0.1:{port}/")).unwrap_err();
    assert_eq!(
        e.message,
        format!(
            "Nothing answers at http://127.0.0.1:{port} (connection refused or no route). Check the address, and that this computer is on the network (or the VPN)."
        )
    );
}

#[test]
fn the_support_log_says_what_happened_and_never_the_password() {
    // The log is this test binary's global subscriber (a thread-local one misses events
    // whose call sites other tests' threads reach first), so the lines are picked out by
    // this test's own server address and username.
    let dir = tempfile::tempdir().unwrap();
    let logs = tideline_console::logging::dir(dir.path());
    let file = tideline_console::logging::RotatingFile::open(&logs, tideline_console::logging::MAX_BYTES).unwrap();
    tracing::subscriber::set_global_default(tideline_console::logging::subscriber(file)).unwrap();
    let site = answering("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    let state = start(dir.path(), &dir.path().join("none.json"));
    let _ = ops::sign_in(&state, &site, "kim-logged", "hunter2-secret");
    ops::explore_demo(&state).unwrap();
    let log = std::fs::read_to_string(logs.join(tideline_console::logging::FILE)).unwrap();
    assert!(log.contains("starting on the sign-in screen"), "{log}");
    let failure = log.lines().find(|l| l.contains("user=\"kim-logged\"")).expect("the sign-in is logged");
    assert!(failure.contains("sign-in failed") && failure.contains(&site) && failure.contains("not a Tideline server"));
    assert!(log.contains("demo chosen"), "{log}");
    assert!(!log.contains("hunter2"), "the password never reaches the log:\n{log}");
}
