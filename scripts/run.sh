#!/usr/bin/env bash
# Builds the console and opens it on its embedded default: the local demo contact
# centre (no back end needed). A headless machine gets a virtual display.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

(cd ui && npm run --silent build)
cargo build --release -p tideline-console -p tideline

if [ "$(uname)" = "Linux" ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "No display: starting the console under Xvfb (screenshot it with xwd, or set DISPLAY)"
    exec xvfb-run -a -s "-screen 0 1280x800x24" ./target/release/tideline-console
fi
exec ./target/release/tideline-console
