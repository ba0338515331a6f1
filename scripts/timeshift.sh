#!/usr/bin/env bash
# Usage: scripts/timeshift.sh DAY [FILTER]  — FILTER restricts to test binaries whose path
# contains it (e.g. `api`).
# Run the whole test suite with the system clock moved to another day, to show that no test
# depends on today's date:  scripts/timeshift.sh 2027-06-01  (then 2031-02-10).
# The tests are built first at the real time; then each test binary (and the server, the
# command line and the browser the tests start) runs with the faked date under libfaketime
# (Debian package `faketime`, installed when missing). Cargo itself does not run under
# faketime (it can hang there).
set -euo pipefail
cd "$(dirname "$0")/.."
day="${1:?usage: scripts/timeshift.sh YYYY-MM-DD}"
if ! command -v faketime >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null
fi
list=$(mktemp)
cargo test --workspace --no-run --message-format=json 2>/dev/null | python3 -c '
import json, sys, os
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        print(os.path.dirname(m["manifest_path"]) + "\t" + m["executable"])
' > "$list"
echo "== $(wc -l < "$list") test binaries with the clock at $day 09:00 Beijing"
failed=0
while IFS=$'\t' read -r dir exe; do
  [[ -n "${2:-}" && "$exe" != *"$2"* ]] && continue
  # `@` starts the faked clock at that instant and lets it run on.
  # (The browser test starts chromedriver without libfaketime: the browser hangs under it;
  # the server it drives runs in the test process, with the faked clock.)
  if ! (cd "$dir" && FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$day 01:00:00" "$exe" -q); then
    echo "FAILED: $exe"
    failed=1
  fi
done < "$list"
rm -f "$list"
exit $failed
