#!/usr/bin/env bash
# Run the whole test suite with the system clock moved to another day, to show that no test
# depends on today's date:  scripts/timeshift.sh 2027-06-01  (then 2031-02-10).
# The tests are built first at the real time (so cargo's freshness checks are undisturbed);
# then every test process, and the server and browser they start, sees the faked date
# (libfaketime, Debian package `faketime`, installed when missing). Extra arguments go to
# `cargo test` (e.g. `-p xiezhi-server`).
set -euo pipefail
cd "$(dirname "$0")/.."
day="${1:?usage: scripts/timeshift.sh YYYY-MM-DD [cargo test args]}"
shift
if ! command -v faketime >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null
fi
cargo test --workspace --no-run "$@"
echo "== tests with the clock at $day 09:00 Beijing"
# `@` starts the faked clock at that instant and lets it run on.
FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$day 01:00:00" cargo test --workspace "$@"
