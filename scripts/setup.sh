#!/usr/bin/env bash
# Installs what building and testing Tideline needs, and nothing that is already there.
# Sourced by run.sh and test.sh; safe to run again and again.
set -euo pipefail

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# System packages (Debian/Ubuntu): a C toolchain and OpenSSL's libcrypto for the bundled
# SQLCipher; WebKitGTK and friends for the Tauri console; PostgreSQL for the back end's
# zero-config private cluster; D-Bus and GNOME Keyring (a Secret Service for the OS
# keyring on a headless machine); Xvfb and WebKitWebDriver to drive the real window in
# tests; the openssl tool for a test's self-signed TLS server; Node.js for the UI build.
apt_packages=(build-essential pkg-config libssl-dev curl libwebkit2gtk-4.1-dev libsoup-3.0-dev
    librsvg2-dev libayatana-appindicator3-dev postgresql dbus dbus-x11 gnome-keyring xvfb webkit2gtk-driver
    openssl)
command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)
if command -v apt-get >/dev/null 2>&1; then
    missing=()
    for p in "${apt_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    fi
elif [ "$(uname)" = "Darwin" ]; then
    xcode-select -p >/dev/null 2>&1 || { echo "setup: run 'xcode-select --install' first (Apple's C toolchain)"; exit 1; }
    command -v npm >/dev/null 2>&1 || { echo "setup: install Node.js 20 or later (e.g. 'brew install node')"; exit 1; }
fi

# The Rust toolchain, through rustup (Debian's own rustc is too old for this code).
if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] || {
        echo "setup: installing the Rust toolchain with rustup"
        curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    }
    export PATH="$HOME/.cargo/bin:$PATH"
fi
if command -v rustup >/dev/null 2>&1; then
    for c in rustfmt clippy; do
        rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
    done
fi

# The UI's npm packages, exactly as locked.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    echo "setup: installing the UI's npm packages"
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
