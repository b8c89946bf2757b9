#!/usr/bin/env bash
# Builds Tideline, starts a local back end (`tideline serve --demo`: a private
# PostgreSQL cluster from the installed binaries, seeded with the demo contact centre
# and its users) and opens the console signed in to it as the demo agent, while
# `tideline demo-traffic` sends signed calls, SMSes, web forms, chats and branch visits
# to it, so contact arrives live. Both stop when the console closes. A headless machine
# gets a virtual display and a private keyring session.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# Without a desktop session there is no Secret Service for the token: start a private
# D-Bus session with GNOME Keyring (unlocked with a throwaway password) and re-run.
if [ "$(uname)" = "Linux" ] && [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${TIDELINE_RUN_SESSION:-}" ]; then
    exec env TIDELINE_RUN_SESSION=1 dbus-run-session -- bash "$0" "$@"
fi
if [ -n "${TIDELINE_RUN_SESSION:-}" ]; then
    # A keyring of its own (kept, so the next run resumes the session), never the
    # machine user's login keyring, whose password we do not know.
    keyrings="${XDG_DATA_HOME:-$HOME/.local/share}/tideline/run-keyring"
    mkdir -p "$keyrings"
    eval "$(echo -n tideline | XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --unlock --components=secrets)"
fi

(cd ui && npm run --silent build)
cargo build --release -p tideline-console -p tideline

listen="${TIDELINE_LISTEN:-127.0.0.1:7420}"
log="$(mktemp -t tideline-serve.XXXXXX)"
./target/release/tideline serve --demo --listen "$listen" >"$log" 2>&1 &
server=$!
trap 'kill -INT $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT

# Wait for the server to say where it listens (first run: initdb and seeding, ~20 s).
url=""
while [ -z "$url" ]; do
    if ! kill -0 "$server" 2>/dev/null; then
        echo "The back end did not start:"; cat "$log"; exit 1
    fi
    url="$(sed -n 's/^listening on //p' "$log")"
    [ -n "$url" ] || sleep 0.2
done
agent="$(sed -n 's/^demo user: \([^ ]*\) (agent.*/\1/p' "$log" | head -n1)"
grep '^demo user\|^seeded' "$log" || true
echo "Back end at $url (log: $log); opening the console as ${agent}"

# Live contact for the newcomer to watch: one every 5 s for five minutes.
TIDELINE_TRAFFIC_COUNT="${TIDELINE_TRAFFIC_COUNT:-60}"
traffic_log="$(mktemp -t tideline-traffic.XXXXXX)"
./target/release/tideline demo-traffic --server "$url" --count "$TIDELINE_TRAFFIC_COUNT" --every-ms 5000 \
    >"$traffic_log" 2>&1 &
traffic=$!
trap 'kill $traffic 2>/dev/null; kill -INT $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
echo "Sending demo traffic (log: $traffic_log)"

export TIDELINE_SERVER="$url" TIDELINE_USER="$agent" TIDELINE_PASSWORD=demo
if [ "$(uname)" = "Linux" ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "No display: starting the console under Xvfb (screenshot it with xwd, or set DISPLAY)"
    xvfb-run -a -s "-screen 0 1280x800x24" ./target/release/tideline-console
else
    ./target/release/tideline-console
fi
