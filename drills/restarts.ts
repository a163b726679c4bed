/**
 * Drill: PostgreSQL restarts mid-run, then the Temporal dev server restarts mid-run, while
 * licences are being registered and climbing their ladder. Afterwards every licence must be
 * registered once with its workflow, and have exactly one prompt and one SMS; it also reports
 * how many delivery receipts found their message.
 *
 *   npm run drill:restarts -- [licences, default 500]
 *
 * Registration retries a failed call, as an approval system does; the engine's idempotent
 * registration makes the retry safe. Loopback only; bounded (20 minutes); it drops its database
 * and data folder. Do not run it while the test suite uses the same PostgreSQL server.
 */
import { machineLine } from '../bench/machine';
import { BENCH_API_KEY, loadLicence, remindAtOnce, runScript, startTopology } from '../bench/topology';

const LICENCES = Number(process.argv[2] ?? 500);
const DAY = 86_400_000;
const LIMIT_MS = 20 * 60_000;

async function main(): Promise<void> {
  console.log(machineLine());
  const topology = await startTopology('restarts', { PORT: '3393', TEMPORAL_DEV_PORT: '7393', TEMPORAL_UI_PORT: '8393', SMS_QPS: '50' }, { separateTemporal: true });
  const { system } = topology;
  const prisma = system.database.prisma;
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  try {
    await remindAtOnce(prisma);
    await topology.startWorker();
    const expiresOn = new Date(Date.now() + 80 * DAY).toISOString().slice(0, 10);

    let failedCalls = 0;
    const registerOne = async (index: number) => {
      const body = JSON.stringify(loadLicence('D', index, { issuedOn: '2022-06-01', expiresOn }));
      for (;;) {
        try {
          const response = await fetch(`${system.apiUrl}/api/v1/licences`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_API_KEY}` },
            body,
            signal: AbortSignal.timeout(30_000),
          });
          if (response.status === 201 || response.status === 200) return;
          failedCalls += 1;
        } catch {
          failedCalls += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    };
    // Registrations trickle in at about 20 a second for the whole run.
    let next = 0;
    const registering = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < LICENCES) {
          await registerOne(next++);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }),
    );

    await new Promise((resolve) => setTimeout(resolve, 8000));
    console.log(`${elapsed()}: restarting PostgreSQL (${next} registrations sent)`);
    await topology.restartDatabase();
    console.log(`${elapsed()}: PostgreSQL is back`);
    await new Promise((resolve) => setTimeout(resolve, 8000));
    console.log(`${elapsed()}: restarting the Temporal dev server (${next} registrations sent)`);
    await topology.restartTemporal();
    console.log(`${elapsed()}: the Temporal dev server is back`);
    await registering;
    console.log(`${elapsed()}: all ${LICENCES} registrations answered; ${failedCalls} calls failed and were retried`);

    const done = async () => (await prisma.ledgerEntry.count({ where: { channel: 'sms' } })) >= LICENCES;
    while (!(await done()) && Date.now() - started < LIMIT_MS) await new Promise((resolve) => setTimeout(resolve, 2000));

    const licences = await prisma.licence.count({ where: { licenceNumber: { startsWith: '鲁威药经D' } } });
    const registeredWithWorkflow = await prisma.licence.count({ where: { licenceNumber: { startsWith: '鲁威药经D' }, workflowStartedAt: { not: null } } });
    const ledger = await prisma.ledgerEntry.groupBy({ by: ['licenceId', 'channel'], _count: { _all: true } });
    const withBoth = new Set(ledger.filter((row) => row.channel === 'sms').map((row) => row.licenceId));
    const duplicatedRows = ledger.filter((row) => row._count._all > 1).length;
    const accepted = new Map<string, number>();
    for (const message of system.simulators!.sms) accepted.set(message.phone, (accepted.get(message.phone) ?? 0) + 1);
    const delivered = await prisma.smsMessage.count({ where: { status: 'delivered' } });
    const duplicated = duplicatedRows + [...accepted.values()].filter((count) => count > 1).length;
    const missing = LICENCES - licences + (LICENCES - registeredWithWorkflow) + (LICENCES - withBoth.size) + (LICENCES - accepted.size);
    console.log(`licences            ${licences} registered, ${registeredWithWorkflow} with their workflow started`);
    console.log(`ledger              ${withBoth.size} licences reminded by SMS; ${duplicatedRows} duplicated ledger rows`);
    console.log(`provider            ${system.simulators!.sms.length} texts accepted for ${accepted.size} numbers; ${delivered} delivered`);
    console.log(`duplicated ${duplicated}, missing ${missing} (${elapsed()})`);
    if (duplicated > 0 || missing > 0) process.exitCode = 1;
  } finally {
    await topology.stop();
  }
}

runScript(main);
