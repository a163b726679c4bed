/**
 * Imports a generated e-licence export into the engine on its embedded defaults (Temporal dev
 * server, PGlite), through the import API as a bureau would, then imports the same file again.
 *
 *   npm run bench:import -- [rows, default 100000] [--rate <workflow starts per second>] [--postgres <url>]
 *
 * Prints the wall time and rate of each run, and the licences and workflows each one created.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connectTemporalClient } from '../runtime/temporal';
import { loadConfig } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { startSystem } from '../runtime/system';
import { importThroughApi, writeLicenceExport } from './licence-export';
import { machineLine } from './machine';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rate: { type: 'string', default: '300' }, postgres: { type: 'string' } } });
const ROWS = Number(positionals[0] ?? 100_000);

// The fresh data folder's first API key, made by the engine's bootstrap.
const API_KEY = 'lre_benchmark-key-of-the-weihai-system';

async function main(): Promise<void> {
  console.log(machineLine());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  const file = path.join(dir, 'licences.csv');
  writeLicenceExport(file, ROWS);
  console.log(`generated ${ROWS} rows (${(fs.statSync(file).size / 1e6).toFixed(1)} MB)`);
  const config = loadConfig({
    ...process.env,
    DATA_DIR: path.join(dir, 'data'),
    PORT: '3399',
    BOOTSTRAP_API_KEY: API_KEY,
    TEMPORAL_DEV_PORT: '7399',
    TEMPORAL_UI_PORT: '8399',
    LOG_LEVEL: 'warn',
    ...(values.postgres ? { DATABASE_URL: values.postgres } : {}),
  });
  const system = await startSystem(config, createLogger('warn'));
  const temporal = await connectTemporalClient(system.temporalAddress, 'default');
  const countWorkflows = async () => (await temporal.client.workflow.count("WorkflowType = 'licenceWorkflow'")).count;
  try {
    for (const run of ['first import', 'same file again']) {
      const licencesBefore = await system.database.prisma.licence.count();
      const workflowsBefore = await countWorkflows();
      const { job, seconds } = await importThroughApi({ apiUrl: system.apiUrl!, apiKey: API_KEY, startsPerSecond: Number(values.rate) }, file, (progress) =>
        process.stderr.write(`\r  ${progress.processedRows}/${ROWS} rows`),
      );
      process.stderr.write('\n');
      // Visibility is eventually consistent: let it catch up before counting.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const rss = process.memoryUsage().rss / 1e6;
      console.log(
        `${run}: ${job.status} in ${seconds.toFixed(1)} s (${(ROWS / seconds).toFixed(0)} rows/s); ` +
          `${job.importedRows} new, ${job.existingRows} existing, ${job.badRows} bad; ` +
          `licences +${(await system.database.prisma.licence.count()) - licencesBefore}, workflows +${(await countWorkflows()) - workflowsBefore}; rss ${rss.toFixed(0)} MB`,
      );
    }
  } catch (error) {
    // The data folder goes with the run: show why the dev server stopped, if it did, before it does.
    const serverLog = path.join(dir, 'data', 'temporal.log');
    if (fs.existsSync(serverLog)) console.error(`last lines of the Temporal dev server's log:\n${fs.readFileSync(serverLog, 'utf8').split('\n').slice(-40).join('\n')}`);
    throw error;
  } finally {
    await temporal.close();
    await system.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
