/**
 * Drill on the production topology (cluster/topology.ts): while licences are registered through
 * the proxy and each wakes at once (its department reminds at once, so registration load and a
 * wake-up storm run together), each part is killed in turn with SIGKILL and started again as a
 * supervisor would: every Temporal service process (frontend, history, matching, worker), one API
 * process, one worker process; then PostgreSQL is restarted. For each, it reports registrations
 * answered, failed with a retryable answer (and retried, as an approval system does), lost;
 * reminders duplicated and missing; and the time until registrations and reminders flow again.
 *
 *   npm run drill:cluster -- [licences per fault, default 200] [--down 5] [--base-port 18000]
 *
 * Loopback only; bounded (30 minutes); the topology it starts is stopped and deleted afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machineLine } from '../bench/machine';
import { loadLicence, remindAtOnce, runScript } from '../bench/topology';
import { Cluster, type ProcessName } from '../cluster/topology';
import { openDatabase, parseDatabaseTarget } from '../runtime/database';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { down: { type: 'string', default: '5' }, 'base-port': { type: 'string', default: '18000' }, keep: { type: 'boolean', default: false } },
});
const PER_FAULT = Number(positionals[0] ?? 200);
const DOWN_MS = Number(values.down) * 1000;
const LIMIT_MS = 30 * 60_000;
const DAY = 86_400_000;
const FAULTS: Array<ProcessName | 'postgresql'> = ['temporal-frontend', 'temporal-history', 'temporal-matching', 'temporal-worker', 'api-1', 'worker-1', 'postgresql'];

interface FaultRun {
  fault: string;
  series: string;
  answered: number;
  retryableFailures: number;
  otherFailures: number;
  lost: number;
  /** Seconds from the kill until a registration sent after it was answered 201/200. */
  registrationsBackAfter?: number;
  /** Seconds from the kill until a text reached the provider for a licence registered after it. */
  remindersBackAfter?: number;
  killedAt: number;
}

async function main(): Promise<void> {
  console.log(machineLine());
  const cluster = new Cluster({
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'drill-cluster-')),
    basePort: Number(values['base-port']),
    engineEnv: { LOG_LEVEL: 'warn', SMS_QPS: '50' },
    say: (line) => console.log(`  ${line}`),
  });
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  console.log(`topology started in ${(await cluster.start()) / 1000} s`);
  const database = await openDatabase(parseDatabaseTarget(cluster.databaseUrl));
  const prisma = database.prisma;
  const expiresOn = new Date(Date.now() + 80 * DAY).toISOString().slice(0, 10);
  const runs: FaultRun[] = [];
  try {
    await remindAtOnce(prisma);
    for (const [index, fault] of FAULTS.entries()) {
      const series = `F${index}`;
      const run: FaultRun = { fault, series, answered: 0, retryableFailures: 0, otherFailures: 0, lost: 0, killedAt: 0 };
      runs.push(run);
      const registeredAt = new Map<number, number>();
      let next = 0;
      // Numbers and phones unique across the faults: a text is told apart by its phone.
      const first = index * PER_FAULT;
      const registerOne = async (licence: number) => {
        const body = JSON.stringify(loadLicence(series, first + licence, { issuedOn: '2022-06-01', expiresOn }));
        const deadline = Date.now() + 5 * 60_000;
        while (Date.now() < deadline) {
          const sentAt = Date.now();
          try {
            const response = await fetch(`${cluster.url}/api/v1/licences`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${cluster.secrets.apiKey}` },
              body,
              signal: AbortSignal.timeout(30_000),
            });
            await response.arrayBuffer();
            if (response.status === 201 || response.status === 200) {
              run.answered += 1;
              registeredAt.set(licence, sentAt);
              if (run.killedAt && sentAt > run.killedAt && run.registrationsBackAfter === undefined) run.registrationsBackAfter = (Date.now() - run.killedAt) / 1000;
              return;
            }
            if (response.status >= 500 || response.status === 429) run.retryableFailures += 1;
            else {
              run.otherFailures += 1;
              return;
            }
          } catch {
            // Refused or reset on the way: the approval system cannot know, so it sends again.
            run.retryableFailures += 1;
          }
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        run.lost += 1;
      };
      const registering = Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < PER_FAULT) await registerOne(next++);
        }),
      );
      // The fault strikes once the load is under way.
      while (next < PER_FAULT / 4) await new Promise((resolve) => setTimeout(resolve, 50));
      run.killedAt = Date.now();
      if (fault === 'postgresql') {
        cluster.restartPostgres();
        console.log(`${elapsed()}: PostgreSQL restarted (${next} of ${series} sent)`);
      } else {
        const pid = cluster.kill(fault);
        console.log(`${elapsed()}: SIGKILL ${fault} (pid ${pid}) with ${next} of ${series} sent`);
        await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
        await cluster.restart(fault);
        console.log(`${elapsed()}: ${fault} started again`);
      }
      await registering;
      // Reminders flow again once a licence registered after the kill got its text.
      const afterKill = [...registeredAt.entries()].filter(([, at]) => at > run.killedAt).map(([licence]) => loadLicence(series, first + licence, { issuedOn: '', expiresOn: '' }).contact.phone);
      const phones = new Set(afterKill);
      const firstText = async () => {
        const state = (await (await fetch(`${cluster.simulatorsUrl}/state`)).json()) as { sms: Array<{ phone: string; at: string }> };
        const times = state.sms.filter((text) => phones.has(text.phone)).map((text) => Date.parse(text.at));
        return times.length > 0 ? Math.min(...times) : undefined;
      };
      const deadline = Date.now() + 5 * 60_000;
      let firstTextAt = await firstText();
      while (firstTextAt === undefined && phones.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        firstTextAt = await firstText();
      }
      if (firstTextAt !== undefined) run.remindersBackAfter = (firstTextAt - run.killedAt) / 1000;
      console.log(`${elapsed()}: ${fault}: ${run.answered} answered, ${run.retryableFailures} retryable failures, ${run.lost} lost`);
    }

    const total = PER_FAULT * FAULTS.length;
    const done = async () => (await prisma.ledgerEntry.count({ where: { channel: 'sms' } })) >= total;
    while (!(await done()) && Date.now() - started < LIMIT_MS) await new Promise((resolve) => setTimeout(resolve, 2000));

    const licences = await prisma.licence.findMany({ where: { licenceNumber: { startsWith: '鲁威药经F' } }, select: { id: true, licenceNumber: true, contactPhone: true } });
    const ledger = await prisma.ledgerEntry.groupBy({ by: ['licenceId', 'channel'], _count: { _all: true } });
    const state = (await (await fetch(`${cluster.simulatorsUrl}/state`)).json()) as { sms: Array<{ phone: string }>; prompts: Array<{ idempotencyKey: string }> };
    const textsPerPhone = new Map<string, number>();
    for (const text of state.sms) textsPerPhone.set(text.phone, (textsPerPhone.get(text.phone) ?? 0) + 1);

    console.log('');
    console.log('| fault | registrations answered | failed with a retryable answer (retried) | lost | reminders duplicated | reminders missing | registrations again after | reminders again after |');
    console.log('|---|---|---|---|---|---|---|---|');
    let failures = 0;
    for (const run of runs) {
      const own = licences.filter((licence) => licence.licenceNumber.startsWith(`鲁威药经${run.series}`));
      const ids = new Set(own.map((licence) => licence.id));
      const rows = ledger.filter((row) => ids.has(row.licenceId));
      const duplicatedRows = rows.filter((row) => row._count._all > 1).length;
      const duplicatedTexts = own.filter((licence) => (textsPerPhone.get(licence.contactPhone) ?? 0) > 1).length;
      const reminded = new Set(rows.filter((row) => row.channel === 'sms').map((row) => row.licenceId));
      const texted = own.filter((licence) => (textsPerPhone.get(licence.contactPhone) ?? 0) > 0).length;
      const missing = PER_FAULT - own.length + (own.length - reminded.size) + (own.length - texted);
      const duplicated = duplicatedRows + duplicatedTexts;
      failures += run.lost + run.otherFailures + duplicated + missing;
      const seconds = (value?: number) => (value === undefined ? 'never' : `${value.toFixed(1)} s`);
      console.log(
        `| ${run.fault} | ${run.answered} of ${PER_FAULT} | ${run.retryableFailures}${run.otherFailures ? ` (+${run.otherFailures} refused)` : ''} | ${run.lost} | ${duplicated} | ${missing} | ${seconds(run.registrationsBackAfter)} | ${seconds(run.remindersBackAfter)} |`,
      );
    }
    console.log(`\n${total} licences, ${state.sms.length} texts at the provider, ${state.prompts.length} prompts; ${elapsed()} in all`);
    if (failures > 0) process.exitCode = 1;
  } finally {
    await database.close();
    if (!values.keep) await cluster.stop({ purge: true });
  }
}

runScript(main);
