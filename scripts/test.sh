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
    keyring_failed() {
        echo "test.sh: the keyring daemon did not start: $1." >&2
        echo "test.sh: the OS keyring tests need GNOME Keyring as a Secret Service (scripts/setup.sh installs it)." >&2
        exit 1
    }
    # Its keyring files live in a fresh directory, removed on exit, so the throwaway
    # password always creates the collection rather than failing to open someone's
    # existing one.
    keyrings="$(mktemp -d -t tideline-keyring.XXXXXX)"
    trap 'rm -rf "$keyrings"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    started="$(echo -n tideline-tests | XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --unlock --components=secrets)" ||
        keyring_failed "gnome-keyring-daemon exited with status $?"
    eval "$started"
    [ -n "${GNOME_KEYRING_CONTROL:-}" ] || keyring_failed "gnome-keyring-daemon printed no GNOME_KEYRING_CONTROL"
    export GNOME_KEYRING_CONTROL
    # It must answer on the session bus as the Secret Service, with an unlocked default
    # collection. (Asked by name only once the name is owned, so that D-Bus never starts
    # another daemon on someone's own keyring.)
    secrets_on_bus() {
        dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep 'boolean true' >/dev/null
    }
    for _ in $(seq 50); do secrets_on_bus && break || sleep 0.1; done
    secrets_on_bus || keyring_failed "no Secret Service appeared on the session bus within 5 s"
    secrets() { dbus-send --session --print-reply --dest=org.freedesktop.secrets "$@" 2>&1 || true; }
    collection="$(secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default |
        sed -n 's/.*object path "\(.*\)"/\1/p')"
    { [ -n "$collection" ] && [ "$collection" != "/" ]; } || keyring_failed "the Secret Service has no default collection"
    secrets "$collection" org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection string:Locked |
        grep 'boolean false' >/dev/null || keyring_failed "its default collection is locked"
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
    # The shell expands the glob, so every Node version gets the same list of files
    # (Node 20 expands no globs itself, and later versions read a folder argument
    # differently).
    (cd ui && node --test --test-concurrency=1 e2e/*.test.mjs)
fi
