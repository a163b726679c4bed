/**
 * `API_KEY=<key> npm run import -- --bureau weihai [--api http://127.0.0.1:3000] [--key <key>] [--rate 100] <file.csv|file.xlsx>`
 *
 * Uploads an e-licence database export to a running engine's import API and follows the job
 * with a progress bar; prints every bad row at the end. Run the same file again to resume an
 * import that stopped, or to check that nothing new would be registered.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';

interface ImportJobView {
  id: string;
  status: 'running' | 'finished' | 'failed';
  totalRows: number;
  processedRows: number;
  importedRows: number;
  existingRows: number;
  badRows: number;
  problems: Array<{ line: number; field: string; reason: string }>;
  lastError: string | null;
}

const CONTENT_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      bureau: { type: 'string' },
      api: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
      rate: { type: 'string' },
      key: { type: 'string', default: process.env.API_KEY },
    },
  });
  const file = positionals[0];
  const contentType = file ? CONTENT_TYPES[path.extname(file).toLowerCase()] : undefined;
  if (!file || !values.bureau || !contentType || !values.key) {
    process.stderr.write(
      'usage: npm run import -- --bureau <code> [--api <url>] [--key <API key>] [--rate <starts per second>] <file.csv|file.xlsx>\n' +
        '       (the API key of an approval system of the bureau, or in API_KEY)\n',
    );
    return 2;
  }
  if (!fs.existsSync(file)) {
    process.stderr.write(`import: no file ${file}\n`);
    return 2;
  }
  const query = new URLSearchParams({ bureau: values.bureau, fileName: path.basename(file), ...(values.rate ? { startsPerSecond: values.rate } : {}) });
  let response: Response;
  try {
    response = await fetch(`${values.api}/api/v1/imports?${query}`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${values.key}` },
      body: fs.readFileSync(file),
    });
  } catch (error) {
    process.stderr.write(`import: the engine at ${values.api} does not answer (${error instanceof Error ? error.message : String(error)}); start it with npm start\n`);
    return 1;
  }
  let job = (await response.json()) as ImportJobView & { error?: { message: string } };
  if (response.status !== 202) {
    process.stderr.write(`import: ${response.status} ${job.error?.message ?? JSON.stringify(job)}\n`);
    return 1;
  }

  const bar = new SingleBar(
    { format: '{bar} {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta_formatted} | new {imported} · existing {existing} · bad {bad}', hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(job.totalRows, job.processedRows, { speed: '0', imported: 0, existing: 0, bad: 0 });
  const started = Date.now();
  const startedAt = job.processedRows;
  while (job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 500));
    job = (await (await fetch(`${values.api}/api/v1/imports/${job.id}`, { headers: { authorization: `Bearer ${values.key}` } })).json()) as ImportJobView;
    const seconds = (Date.now() - started) / 1000;
    bar.update(job.processedRows, {
      speed: seconds > 0 ? ((job.processedRows - startedAt) / seconds).toFixed(0) : '0',
      imported: job.importedRows,
      existing: job.existingRows,
      bad: job.badRows,
    });
  }
  bar.stop();

  process.stdout.write(
    `import ${job.id}: ${job.status}; ${job.importedRows} new, ${job.existingRows} already registered, ${job.badRows} bad rows, ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  for (const problem of job.problems.slice(0, 200)) process.stdout.write(`  line ${problem.line}: ${problem.field}: ${problem.reason}\n`);
  if (job.problems.length > 200) process.stdout.write(`  … ${job.problems.length - 200} more: GET ${values.api}/api/v1/imports/${job.id}\n`);
  if (job.status === 'failed') {
    process.stderr.write(`import failed: ${job.lastError}; run the same command again to resume\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`import: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
