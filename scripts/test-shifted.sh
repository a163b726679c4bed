#!/usr/bin/env bash
# Runs tests with the wall clock moved, to show that no outcome depends on the day they run:
#
#   scripts/test-shifted.sh +3y                  the date-sensitive suites, three years ahead
#   scripts/test-shifted.sh +1y --all            every suite that can be moved, a year ahead
#   scripts/test-shifted.sh +400d -- test/ledger  the suites jest selects from its own arguments
#
# libfaketime moves the clock of every process the tests start: Node, PostgreSQL, Chromium and the
# time-skipping test server (whose pinned start, where a test pins one, still wins). Go programs read
# the time without libc, so the Temporal dev server cannot be moved, and the suites that run on it
# (they count their dates from the wall clock) stay out: moving Node's clock alone would put the two
# clocks years apart, which never happens outside such a run.
set -euo pipefail
cd "$(dirname "$0")/.."

shift_by="${1:-}"
[[ "$shift_by" =~ ^[+-][0-9]+[smhdy]$ ]] || { echo "usage: $0 +3y|+1y|+400d [--all | -- jest arguments…]" >&2; exit 2; }
shift

faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 2>/dev/null | head -1 || true)
[ -n "$faketime_lib" ] || { echo "test-shifted: libfaketime is missing; run 'npm run setup -- --test' (it installs Debian's faketime)." >&2; exit 1; }

dev_server_suites=(test/api/registration.test.ts test/api/restart.test.ts test/api/payload-encryption.test.ts test/workflows/worker-crash.test.ts test/workflows/sms-backlog-window.test.ts test/deployment/compiled-build.test.ts)
date_sensitive=(
  test/workflows test/domain test/ledger
  test/api/lifecycle-api test/api/ledger-api test/api/letter-api test/api/assistance-api
  test/api/batch-notices-api test/api/calendar-api test/api/catalogue-api
)
case "${1:-}" in
  --all) selection=(); shift ;;
  --) shift; selection=("$@"); set -- ;;
  '') selection=("${date_sensitive[@]}") ;;
  *) echo "usage: $0 +3y|+1y|+400d [--all | -- jest arguments…]" >&2; exit 2 ;;
esac

ignore=$(IFS='|'; echo "${dev_server_suites[*]}")
echo "test-shifted: the wall clock moved by $shift_by: $(LD_PRELOAD="$faketime_lib" FAKETIME="$shift_by" date -u '+%Y-%m-%d %H:%M UTC')"
# libfaketime keeps each moved process's clock in shared memory named after it, and not every
# process removes it as it ends (one stopped by a signal cannot): once the run is over, remove those
# of this run whose process has gone.
run_started=$(mktemp)
remove_clocks_left_behind() {
  local clock pid
  for clock in /dev/shm/faketime_shm_*; do
    [ -e "$clock" ] && [ "$clock" -nt "$run_started" ] || continue
    pid="${clock##*_}"
    kill -0 "$pid" 2>/dev/null && continue
    rm -f "$clock" "/dev/shm/sem.faketime_sem_$pid"
  done
  rm -f "$run_started"
}
trap remove_clocks_left_behind EXIT
LD_PRELOAD="$faketime_lib" FAKETIME="$shift_by" node --experimental-vm-modules --no-warnings=ExperimentalWarning \
  node_modules/jest/bin/jest.js --runInBand --testPathIgnorePatterns "$ignore" -- "${selection[@]}"
