#!/usr/bin/env bash
# Builds Tideline and shows it working on a fresh demo contact centre.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo build --release --bin tideline
db=target/demo.db
./target/release/tideline demo --db "$db" --force
echo
./target/release/tideline queue --db "$db" --limit 15
echo
# The first customer, found by a phone number typed the way people write it.
./target/release/tideline timeline --db "$db" C-1 --limit 25
