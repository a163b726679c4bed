import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
/** The wrapper that runs Temporal's Java time-skipping test server (see scripts/setup.sh). */
export const TEST_SERVER_WRAPPER = path.join(PROJECT_ROOT, 'tools', 'temporal-test-server', 'temporal-test-server');
export const TEMPORAL_CLI = path.join(PROJECT_ROOT, '.tools', 'bin', 'temporal');
export const WORKFLOWS_PATH = path.join(PROJECT_ROOT, 'workflows', 'index.ts');
/** The OpenAPI fuzzer, installed by `scripts/setup.sh --test`. */
export const SCHEMATHESIS = path.join(PROJECT_ROOT, '.tools', 'schemathesis', 'bin', 'schemathesis');
