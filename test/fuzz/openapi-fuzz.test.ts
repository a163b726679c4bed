import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createUser } from '../../services/access/credentials';
import { ACCOUNTS, TEST_PASSWORD } from '../support/accounts';
import { printableReport, sectionOf, summaryOf } from '../support/fuzz-report';
import { sendJson } from '../support/http';
import { PROJECT_ROOT, SCHEMATHESIS } from '../support/paths';
import { startTestSystem, type TestSystem } from '../support/system';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// Schemathesis against /openapi.json of the engine as `npm start` runs it: generated requests for
// every operation, then stateful sequences that follow the document's links from a registration.
// No answer may be a server error, or a status, content type or body its document does not list.
const SECONDS_PER_CALLER = Number(process.env.FUZZ_SECONDS ?? 60);
const CASES_PER_OPERATION = 5;
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
  await createUser(system.database.prisma, { ...ACCOUNTS.supervisor, password: TEST_PASSWORD });
});

afterAll(async () => {
  await system?.stop();
});

interface FuzzRun {
  exitCode: number;
  output: string;
}

function fuzz(headers: Record<string, string>): Promise<FuzzRun> {
  const report = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-'));
  const args = [
    'run',
    `${system.apiUrl}/openapi.json`,
    '--url',
    system.apiUrl!,
    ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    '--checks',
    CHECKS.join(','),
    '--phases',
    'examples,coverage,fuzzing,stateful',
    '--max-time',
    String(SECONDS_PER_CALLER),
    '--max-examples',
    '20',
    // One worker: hypothesis describes its strategies by parsing source with `ast`, and CPython
    // 3.11's AST constructor keeps one recursion counter for all threads: two workers at once can
    // end a phase with "AST constructor recursion depth mismatch" (python/cpython#106905).
    '--workers',
    '1',
    '--seed',
    process.env.FUZZ_SEED ?? String(Date.now() % 1_000_000),
    '--no-color',
  ];
  return new Promise((resolve) => {
    execFile(SCHEMATHESIS, args, { cwd: report, timeout: (SECONDS_PER_CALLER + 120) * 1000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      fs.rmSync(report, { recursive: true, force: true });
      resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

it.each([
  ['an approval system', async () => ({ authorization: `Bearer ${system.env.BOOTSTRAP_API_KEY}` })],
  [
    'a supervisor',
    async () => {
      const login = await sendJson(`${system.apiUrl}/api/v1/session`, 'POST', { username: ACCOUNTS.supervisor.username, password: TEST_PASSWORD });
      const cookie = login.headers
        .getSetCookie()
        .map((line) => line.split(';')[0])
        .join('; ');
      return { cookie, 'x-csrf-token': login.body.csrfToken as string };
    },
  ],
])(
  'finds no server error and no answer outside the document, as %s',
  async (caller, headersOf) => {
    const run = await fuzz(await headersOf());
    const summary = summaryOf(run.output);
    // The whole report stays beside the counts, for CI's artefacts and for whoever reads a failure.
    fs.mkdirSync(path.join(PROJECT_ROOT, 'test-results'), { recursive: true });
    fs.writeFileSync(path.join(PROJECT_ROOT, 'test-results', `fuzz-${caller.replace(/\W+/g, '-')}.log`), run.output);
    process.stdout.write(`schemathesis as ${caller}:\n${printableReport(`${summary}${sectionOf(run.output, 'ERRORS')}`)}\n`);
    expect(sectionOf(run.output, 'FAILURES')).toBe('');
    // A run that could not test (no document, every request refused by the network) finds nothing either.
    const [, selected, tested] = /Selected: (\d+)\/\d+\s+Tested: (\d+)/.exec(summary) ?? [];
    expect(Number(tested)).toBe(Number(selected));
    // A floor per operation, not per minute: a busy machine makes fewer cases in the same time.
    expect(Number(/(\d+) generated/.exec(summary)?.[1] ?? 0)).toBeGreaterThanOrEqual(CASES_PER_OPERATION * Number(tested));
    // The fuzzer's own crash (ERRORS: Runtime Error) skips the rest of a phase: a weaker run, said so.
    expect(sectionOf(run.output, 'ERRORS')).not.toMatch(/Runtime Error/);
  },
  (SECONDS_PER_CALLER + 180) * 1000,
);
