import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { eventually } from '../support/lifecycle';
import { startTimeSkippingServer } from '../support/temporal';

// A test server started on a pinned instant runs under libfaketime, which keeps its clock in shared
// memory named after the server's process. The server never exits cleanly (the SDK stops it with a
// signal), so nothing removed it: a full test run left about a thousand files in /dev/shm.
function serverProcessListeningOn(address: string): number {
  const port = address.split(':').pop();
  const pids = execFileSync('pgrep', ['-f', `KeepAliveTestServer ${port}( |$)`], { encoding: 'utf8' }).trim().split('\n');
  expect(pids).toHaveLength(1);
  return Number(pids[0]);
}

it('a test server started on a pinned instant leaves no clock in shared memory once stopped', async () => {
  const env = await startTimeSkippingServer({ extraArgs: ['--start-at=2026-09-20 00:00:00'] });
  let clockFiles: string[] = [];
  try {
    const pid = serverProcessListeningOn(env.address);
    clockFiles = [`/dev/shm/faketime_shm_${pid}`, `/dev/shm/sem.faketime_sem_${pid}`];
    expect(clockFiles.filter((file) => existsSync(file))).toEqual(clockFiles);
  } finally {
    await env.teardown();
  }
  await eventually(async () => expect(clockFiles.filter((file) => existsSync(file))).toEqual([]), 5_000);
}, 60_000);
