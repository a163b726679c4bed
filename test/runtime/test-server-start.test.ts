import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTimeSkippingServer } from '../support/temporal';
import { TEST_SERVER_WRAPPER } from '../support/paths';

// The SDK gives a server it starts 5 s to answer, and that is not configurable. On a busy machine a
// JVM can take longer: a suite then failed with "ephemeral server … did not start within 5s". Here
// the first launch is a server that never answers, as a start too slow for the SDK looks to it.
let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'slow-test-server-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

it('a test server too slow to answer in the SDK’s 5 s is started again, and the suite goes on', async () => {
  const launches = path.join(folder, 'launches');
  const slowFirstLaunch = path.join(folder, 'slow-first-launch');
  writeFileSync(
    slowFirstLaunch,
    [
      '#!/usr/bin/env bash',
      `echo launch >> '${launches}'`,
      `if [ "$(wc -l < '${launches}')" -eq 1 ]; then exec sleep 60; fi`,
      `exec '${TEST_SERVER_WRAPPER}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const env = await startTimeSkippingServer({ executable: slowFirstLaunch });
  try {
    expect(readFileSync(launches, 'utf8').trim().split('\n')).toHaveLength(2);
    await expect(env.connection.workflowService.getSystemInfo({})).resolves.toBeDefined();
  } finally {
    await env.teardown();
  }
}, 60_000);
