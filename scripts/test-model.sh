#!/usr/bin/env bash
# Plays random lives of a licence against the real workflow and the reference model
# (test/workflows/lifecycle-model.test.ts), more of them than CI does:
#
#   scripts/test-model.sh 2000          2,000 lives, a fresh seed
#   scripts/test-model.sh 2000 12345    the same lives as an earlier run with seed 12345
#
# It prints how many lives and events it played, the seed and the time taken; a failing life is
# printed with its events, to be added to FOUND_FAILING in the test file.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-2000}"
[[ "$count" =~ ^[0-9]+$ ]] || { echo "usage: $0 [lives] [seed]" >&2; exit 2; }
export MODEL_SEQUENCES="$count"
[ -n "${2:-}" ] && export MODEL_SEED="$2"
exec node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js --runInBand test/workflows/lifecycle-model.test.ts
