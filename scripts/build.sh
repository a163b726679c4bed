#!/usr/bin/env bash
# The engine as its image runs it: the TypeScript compiled into one folder (dist/ unless another is
# named) and the licence workflows bundled beside it, for WORKFLOW_BUNDLE.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
rm -rf "$out"
node_modules/.bin/tsc -p tsconfig.build.json --outDir "$out"
node_modules/.bin/tsx scripts/bundle-workflows.ts "$out/workflow-bundle.js"
