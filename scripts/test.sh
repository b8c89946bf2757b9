#!/usr/bin/env bash
# Every check CI runs: formatting, lints, unit and integration tests (Rust and UI), and
# the end-to-end journeys in the real app window.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every test runs here, the OS keyring's included: a skip switch left set in someone's
# shell must not turn them into silent passes.
if [ -n "${TIDELINE_SKIP_KEYRING_TESTS:-}" ]; then
    echo "test.sh: TIDELINE_SKIP_KEYRING_TESTS is set; this script runs the keyring tests, unset it" >&2
    exit 1
fi
source scripts/setup.sh

# On Linux the tests use a real OS keyring: a private D-Bus session with GNOME Keyring
# as its Secret Service, unlocked with a throwaway password, so no test ever touches the
# keyring of the person running them.
if [ "$(uname)" = "Linux" ] && [ -z "${TIDELINE_TEST_SESSION:-}" ]; then
    exec env TIDELINE_TEST_SESSION=1 dbus-run-session -- bash "$0" "$@"
fi
if [ "$(uname)" = "Linux" ]; then
    # Its keyring files live in a fresh directory, so the throwaway password always
    # creates the collection rather than failing to open someone's existing one.
    keyrings="$(mktemp -d -t tideline-keyring.XXXXXX)"
    eval "$(echo -n tideline-tests | XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
fi

# tauri-driver bridges WebDriver to the app's webview (Linux only; macOS has no
# WebKit WebDriver for apps, so the journeys run on Linux).
if [ "$(uname)" = "Linux" ] && ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    echo "setup: installing tauri-driver"
    cargo install tauri-driver --version '^2' --locked --quiet
fi

echo "== UI: types, unit tests, build"
(cd ui && npm run --silent typecheck && npm test --silent && npm run --silent build)

echo "== Rust: format, lints, tests"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked

if [ "$(uname)" = "Linux" ]; then
    echo "== End to end: the real console in a real window"
    cargo build --locked -p tideline-console -p tideline
    (cd ui && node --test --test-concurrency=1 e2e/)
fi
