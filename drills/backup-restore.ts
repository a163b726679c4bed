/**
 * Drill on the production topology (cluster/topology.ts, with its WAL archive): the disk under
 * PostgreSQL is lost, and the instance is restored from a base backup brought forward by the
 * archive. Licences are registered in four batches, each through the proxy and reminded at once:
 *
 *   A  before the base backup, texted;
 *   B  after it, texted, and a batch C that sleeps (its window years away); then the archive is
 *      brought up to date, as `archive_timeout` (60 s) does on its own;
 *   D  in the last seconds before the loss, after the last archived segment.
 *
 * Then every process but the simulated providers is killed, PostgreSQL stops without a checkpoint
 * and its data folder is deleted; the backup is put in its place, the archive replayed and the
 * topology started, the engine told the instant it was restored to. For each batch it reports:
 * licences the engine still has, workflows Temporal still runs, and texts the provider received
 * twice once the approval system has sent again what it registered since the backup.
 *
 *   npm run drill:backup -- [licences per batch, default 100] [--base-port 18600] [--keep]
 *
 * Loopback only; bounded (20 minutes); the topology and the backup are deleted afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { machineLine } from '../bench/machine';
import { loadLicence, remindAtOnce, runScript } from '../bench/topology';
import { archiveCurrentSegment, loseDatabaseDisk, restoreBaseBackup, takeBaseBackup } from '../cluster/backups';
import { Cluster, NAMESPACE } from '../cluster/topology';
import { licenceWorkflowId } from '../domain';
import { openDatabase, parseDatabaseTarget, type Database } from '../runtime/database';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'base-port': { type: 'string', default: '18600' }, keep: { type: 'boolean', default: false } },
});
const PER_BATCH = Number(positionals[0] ?? 100);
if (!(PER_BATCH > 0)) throw new Error('licences per batch must be a positive number');
const LIMIT_MS = 20 * 60_000;
const DAY = 86_400_000;
const BATCHES = ['A', 'B', 'C', 'D'] as const;
type Batch = (typeof BATCHES)[number];

// Fixed once: a licence sent again must be the same licence, though the drill crosses midnight.
const DUE_EXPIRES_ON = new Date(Date.now() + 80 * DAY).toISOString().slice(0, 10);
const ASLEEP_EXPIRES_ON = new Date(Date.now() + 5 * 365 * DAY).toISOString().slice(0, 10);

const licenceOf = (batch: Batch, index: number) => {
  const first = BATCHES.indexOf(batch) * PER_BATCH;
  // Batch C sleeps: its window opens years from now.
  return loadLicence(`BR${batch}`, first + index, { issuedOn: '2022-06-01', expiresOn: batch === 'C' ? ASLEEP_EXPIRES_ON : DUE_EXPIRES_ON });
};

async function register(cluster: Cluster, batch: Batch): Promise<{ created: number; repeated: number }> {
  const counts = { created: 0, repeated: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < PER_BATCH) {
        const licence = licenceOf(batch, next++);
        const response = await fetch(`${cluster.url}/api/v1/licences`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${cluster.secrets.apiKey}` },
          body: JSON.stringify(licence),
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
        if (response.status === 201) counts.created += 1;
        else if (response.status === 200) counts.repeated += 1;
        else throw new Error(`registering ${licence.licenceNumber} answered ${response.status}`);
      }
    }),
  );
  return counts;
}

/** How often the engine has searched the provider's records of texts so far. */
async function recordLookups(cluster: Cluster): Promise<number> {
  return ((await (await fetch(`${cluster.simulatorsUrl}/state`)).json()) as { smsRecordQueries: number }).smsRecordQueries;
}

async function textsByPhone(cluster: Cluster): Promise<Map<string, number>> {
  const state = (await (await fetch(`${cluster.simulatorsUrl}/state`)).json()) as { sms: Array<{ phone: string }> };
  const counts = new Map<string, number>();
  for (const text of state.sms) counts.set(text.phone, (counts.get(text.phone) ?? 0) + 1);
  return counts;
}

async function until(what: string, deadline: number, done: () => Promise<boolean>): Promise<void> {
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within the drill's limit`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const textedAll = (cluster: Cluster, batches: Batch[]) => async () => {
  const texts = await textsByPhone(cluster);
  return batches.every((batch) => Array.from({ length: PER_BATCH }, (_, index) => licenceOf(batch, index)).every((licence) => texts.has(licence.contact.phone)));
};

async function main(): Promise<void> {
  console.log(machineLine());
  const cluster = new Cluster({
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'drill-backup-')),
    basePort: Number(values['base-port']),
    engineEnv: { LOG_LEVEL: 'warn', SMS_QPS: '50' },
    walArchive: true,
    say: (line) => console.log(`  ${line}`),
  });
  // Beside the data folder, where the postgres user can write.
  const backupDir = `${cluster.postgresDataDir}-base-backup`;
  const started = Date.now();
  const deadline = started + LIMIT_MS;
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  let database: Database | undefined;
  const openEngineDatabase = async () => (database = await openDatabase(parseDatabaseTarget(cluster.databaseUrl)));
  try {
    console.log(`topology started in ${(await cluster.start()) / 1000} s`);
    await remindAtOnce((await openEngineDatabase()).prisma);

    await register(cluster, 'A');
    await until('batch A texted', deadline, textedAll(cluster, ['A']));
    console.log(`${elapsed()}: batch A registered and texted`);

    const backup = takeBaseBackup(cluster, backupDir);
    console.log(`${elapsed()}: base backup taken in ${backup.seconds.toFixed(1)} s, ${(backup.bytes / 1024 / 1024).toFixed(0)} MB`);

    await register(cluster, 'B');
    await register(cluster, 'C');
    await until('batch B texted', deadline, textedAll(cluster, ['B']));
    // What archive_timeout does within a minute: the segment being written goes to the archive.
    const archived = await archiveCurrentSegment(cluster);
    console.log(`${elapsed()}: batches B (texted) and C (sleeping) registered; WAL archived up to ${archived}`);

    await register(cluster, 'D');
    // D's texts go while its writes are in the segment not yet archived.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const textsBeforeLoss = await textsByPhone(cluster);
    const dTextedBeforeLoss = Array.from({ length: PER_BATCH }, (_, index) => licenceOf('D', index)).filter((licence) => textsBeforeLoss.has(licence.contact.phone)).length;
    await database!.close();
    database = undefined;

    const lostAt = Date.now();
    loseDatabaseDisk(cluster);
    console.log(`${elapsed()}: the database's disk lost (batch D registered, ${dTextedBeforeLoss} of it texted)`);
    restoreBaseBackup(cluster, backup, { replayArchive: true });
    const startSeconds = (await cluster.start()) / 1000;
    const restoredIn = (Date.now() - lostAt) / 1000;
    const lookupsBefore = await recordLookups(cluster);
    console.log(`${elapsed()}: restored and serving ${restoredIn.toFixed(1)} s after the loss (the topology's start ${startSeconds.toFixed(1)} s)`);

    const prisma = (await openEngineDatabase()).prisma;
    const present = async (batch: Batch) => prisma.licence.count({ where: { licenceNumber: { startsWith: `鲁威药经BR${batch}` } } });
    const connection = await Connection.connect({ address: cluster.temporalAddress, tls: cluster.operatorTls });
    const temporal = new Client({ connection, namespace: NAMESPACE });
    const running = async (batch: Batch) => {
      let count = 0;
      for (let index = 0; index < PER_BATCH; index++) {
        try {
          const description = await temporal.workflow.getHandle(licenceWorkflowId('weihai', licenceOf(batch, index).licenceNumber)).describe();
          if (description.status.name === 'RUNNING') count += 1;
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }
      return count;
    };
    const afterRestore = new Map<Batch, { present: number; running: number }>();
    for (const batch of BATCHES) afterRestore.set(batch, { present: await present(batch), running: await running(batch) });

    // The approval system sends again what it registered since the backup, more than the restore
    // point asks for: a licence the restore kept answers 200.
    const resent = new Map<Batch, { created: number; repeated: number }>();
    for (const batch of ['B', 'C', 'D'] as const) resent.set(batch, await register(cluster, batch));
    await until('batches A, B and D texted after the restore', deadline, textedAll(cluster, ['A', 'B', 'D']));
    // A text the provider's records do not show waits SMS_SEND_SETTLE_MINUTES after the restore.
    console.log(
      `${elapsed()}: every licence texted, the last ${((Date.now() - lostAt) / 1000 - restoredIn).toFixed(0)} s after the restore; ${(await recordLookups(cluster)) - lookupsBefore} lookups in the provider's records since`,
    );
    // Time for any text a restored workflow would send again.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    const texts = await textsByPhone(cluster);
    const after = new Map<Batch, { present: number; running: number }>();
    for (const batch of BATCHES) after.set(batch, { present: await present(batch), running: await running(batch) });
    await connection.close();

    console.log('');
    console.log('| batch | licences after the restore | workflows running after the restore | registrations sent again: created (repeats) | licences and workflows in the end | texts at the provider: once | twice or more | none |');
    console.log('|---|---|---|---|---|---|---|---|');
    let failures = 0;
    for (const batch of BATCHES) {
      const restored = afterRestore.get(batch)!;
      const final = after.get(batch)!;
      const again = resent.get(batch);
      const phones = Array.from({ length: PER_BATCH }, (_, index) => texts.get(licenceOf(batch, index).contact.phone) ?? 0);
      const once = phones.filter((count) => count === 1).length;
      const twice = phones.filter((count) => count > 1).length;
      const none = phones.filter((count) => count === 0).length;
      // Lost for good: a licence or workflow missing once the approval system has sent again; a
      // text missing; or a text sent twice, the restore's lost records of texts included.
      if (final.present !== PER_BATCH || final.running !== PER_BATCH) failures += 1;
      if (batch !== 'C' && none > 0) failures += 1;
      if (twice > 0) failures += 1;
      console.log(
        `| ${batch} | ${restored.present} of ${PER_BATCH} | ${restored.running} | ${again ? `${again.created} (${again.repeated})` : '—'} | ${final.present}, ${final.running} | ${once} | ${twice} | ${none} |`,
      );
    }
    console.log(`\n${elapsed()} in all`);
    if (failures > 0) process.exitCode = 1;
  } finally {
    await database?.close();
    if (!values.keep) {
      await cluster.stop({ purge: true });
      fs.rmSync(backupDir, { recursive: true, force: true });
    }
  }
}

runScript(main);
