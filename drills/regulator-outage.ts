/**
 * Drill: the market-supervision regulator is down while renewal decisions are pushed to it — for
 * the first half of the outage it answers HTTP 500, for the second half it hangs past the engine's
 * 10 s timeout. After it recovers every decision must be delivered exactly once.
 *
 *   npm run drill:regulator-outage -- [licences, default 100] [--minutes 10]
 *
 * Loopback only; bounded (it gives up 30 minutes after the outage ends); it drops its database
 * and data folder.
 */
import { parseArgs } from 'node:util';
import { machineLine } from '../bench/machine';
import { BENCH_API_KEY, loadLicence, registerThroughApi, runScript, startTopology } from '../bench/topology';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { minutes: { type: 'string', default: '10' } } });
const LICENCES = Number(positionals[0] ?? 100);
const OUTAGE_MS = Number(values.minutes) * 60_000;
const REGULATOR = 'weihai:market-supervision';
const DAY = 86_400_000;

async function post(apiUrl: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_API_KEY}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
}

async function main(): Promise<void> {
  console.log(machineLine());
  const topology = await startTopology('outage', { PORT: '3394', TEMPORAL_DEV_PORT: '7394', TEMPORAL_UI_PORT: '8394' });
  const { system } = topology;
  const prisma = system.database.prisma;
  const simulators = system.simulators!;
  try {
    await topology.startWorker();
    const expiresOn = new Date(Date.now() + 200 * DAY).toISOString().slice(0, 10);
    const ids = await registerThroughApi(system.apiUrl!, 0, LICENCES, 16, (index) => loadLicence('R', index, { issuedOn: '2022-06-01', expiresOn }));

    const outageStarts = Date.now();
    const outageEnds = outageStarts + OUTAGE_MS;
    const halfway = outageStarts + OUTAGE_MS / 2;
    simulators.setRegulatorOutage(REGULATOR, { status: 500, failing: () => Date.now() < halfway });
    setTimeout(() => simulators.setRegulatorOutage(REGULATOR, { status: 504, hangMs: 15_000, failing: () => Date.now() < outageEnds }), OUTAGE_MS / 2).unref();
    const today = new Date().toISOString().slice(0, 10);
    for (const [index, id] of ids.entries()) {
      await post(system.apiUrl!, `/api/v1/licences/${id}/renewal-application`, { applicationNumber: `SQ-R-${index}`, appliedOn: today });
      await post(system.apiUrl!, `/api/v1/licences/${id}/renewal-decision`, {
        decision: 'approved',
        decidedOn: today,
        newLicence: { licenceNumber: `鲁威药经N${String(index).padStart(7, '0')}`, issuedOn: today, expiresOn: new Date(Date.now() + 5 * 365 * DAY).toISOString().slice(0, 10) },
      });
    }
    console.log(`${LICENCES} decisions made; the regulator answers 500 for ${OUTAGE_MS / 120_000} min, then hangs for ${OUTAGE_MS / 120_000} min`);

    const deadline = outageEnds + 30 * 60_000;
    let delivered = 0;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      delivered = await prisma.regulatorDelivery.count({ where: { regulatorId: REGULATOR, deliveredAt: { not: null } } });
      process.stderr.write(`\r  ${((Date.now() - outageStarts) / 60_000).toFixed(1)} min: ${delivered}/${LICENCES} delivered, ${simulators.regulatorAttempts.get(REGULATOR) ?? 0} attempts`);
      if (delivered >= LICENCES && Date.now() > outageEnds) break;
    }
    process.stderr.write('\n');
    const lastDelivery = await prisma.regulatorDelivery.aggregate({ where: { regulatorId: REGULATOR }, _max: { deliveredAt: true } });
    const stored = simulators.deliveries.filter((delivery) => delivery.regulatorId === REGULATOR);
    const repeats = [...simulators.acceptedDecisions.values()].filter((count) => count > 1).length;
    const duringOutage = stored.filter((delivery) => Date.parse(delivery.at) < outageEnds).length;
    console.log(`attempts            ${simulators.regulatorAttempts.get(REGULATOR)} requests reached the regulator`);
    console.log(`delivered           ${delivered}/${LICENCES} recorded by the engine; ${stored.length} decisions held by the regulator, ${duringOutage} of them during the outage`);
    console.log(`exactly once        ${repeats} decisions accepted more than once`);
    console.log(`recovery            the last delivered ${((lastDelivery._max.deliveredAt!.getTime() - outageEnds) / 60_000).toFixed(1)} min after the outage ended`);
    if (delivered !== LICENCES || stored.length !== LICENCES || repeats > 0 || duringOutage > 0) process.exitCode = 1;
  } finally {
    await topology.stop();
  }
}

runScript(main);
