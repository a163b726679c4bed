import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { PACKAGE_ROOT } from './package-root';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from './search-attributes';

/** Where the project's setup caches the Temporal CLI. */
export const CACHED_TEMPORAL_CLI = path.join(PACKAGE_ROOT, '.tools', 'bin', 'temporal');

export interface DevServerOptions {
  /** The Temporal CLI binary; default the one `scripts/setup.sh` built. */
  cli?: string;
  /** SQLite file holding every workflow across restarts. */
  dbFile: string;
  host: string;
  port: number;
  uiPort: number;
  namespace: string;
  searchAttributes: readonly { name: string; type: SearchAttributeType }[];
  /** Where the server's own log lines go. */
  logFile: string;
  /** `name=value` SQLite pragmas for the state file (the server accepts journal_mode, synchronous and a few more). */
  sqlitePragmas?: readonly string[];
  /** The codec endpoint the Web UI asks to show encrypted payloads. */
  uiCodecEndpoint?: string;
}

/** A running Temporal dev server. */
export interface DevServer {
  address: string;
  uiUrl: string;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}


/**
 * Starts the Temporal CLI's dev server with persistent state and this project's search
 * attributes, and waits until it answers.
 *
 * @throws Error saying how to build the CLI when it is missing, or quoting the server's log
 *   when it exits or does not answer within 60 s.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const cli = options.cli ?? CACHED_TEMPORAL_CLI;
  if (!fs.existsSync(cli)) {
    throw new Error(`The Temporal CLI is missing at ${cli}: run 'npm run setup' (or set TEMPORAL_CLI).`);
  }
  fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    options.dbFile,
    '--ip',
    options.host,
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...options.searchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${SEARCH_ATTRIBUTE_CLI_TYPES[key.type]}`]),
    ...(options.sqlitePragmas ?? []).flatMap((pragma) => ['--sqlite-pragma', pragma]),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
  ];
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(cli, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const address = `${options.host}:${options.port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await waitUntilServing(address, child, exited, options.logFile);
  return {
    address,
    uiUrl: `http://${options.host}:${options.uiPort}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntilServing(address: string, child: ChildProcess, exited: Promise<number | null>, logFile: string) {
  const deadline = Date.now() + 60_000;
  let lastError: unknown;
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  while (Date.now() < deadline && !hasExited) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  child.kill('SIGKILL');
  const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
  throw new Error(
    `The Temporal dev server did not start on ${address} (${hasExited ? 'it exited' : String(lastError)}). ` +
      `Is the port taken? Set TEMPORAL_DEV_PORT to another. Its log (${logFile}):\n${tail}`,
  );
}
