#!/usr/bin/env bash
# The whole suite at the awkward instants (docs/testing.md, "The clock in tests"): a Friday 23:30,
# a Sunday, 31 December late, and both Belgian summer-time change days around 02:00-03:00.
# Each run is logged to var/test-clocks/<name>.log; the summary says which passed.
# CLOCKS="friday-night=2026-11-27T23:30+01:00" scripts/test_clocks.sh runs only the ones given.
set -uo pipefail
cd "$(dirname "$0")/.."
CLOCKS=${CLOCKS:-"friday-night=2026-11-27T23:30:00+01:00 sunday=2026-11-29T12:00:00+01:00 new-years-eve=2026-12-31T23:30:00+01:00 summer-time-starts=2026-03-29T01:30:00+01:00 summer-time-ends=2026-10-25T02:30:00+02:00"}
PYTEST_ARGS=${PYTEST_ARGS:--n auto}
mkdir -p var/test-clocks
summary=()
failed=0
for clock in $CLOCKS; do
  name=${clock%%=*}
  now=${clock#*=}
  log="var/test-clocks/$name.log"
  printf '==> %s: TEST_NOW=%s\n' "$name" "$now"
  # shellcheck disable=SC2086 # PYTEST_ARGS is a list of arguments
  TEST_NOW="$now" nice -n 10 .venv/bin/python -m pytest $PYTEST_ARGS -q -p no:randomly >"$log" 2>&1
  status=$?
  result=$(grep -E '^(=+ )?[0-9]+ (passed|failed)' "$log" | tail -n 1 | tr -d '=')
  summary+=("$name ($now): ${result:-no result, see $log}")
  [ "$status" = 0 ] || failed=1
done
printf '\nThe suite at each clock:\n'
printf '  %s\n' "${summary[@]}"
exit $failed
