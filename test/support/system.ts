import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../runtime/config';
import { createLogger } from '../../runtime/logger';
import { startSystem, type RunningSystem } from '../../runtime/system';
import { TEMPORAL_CLI } from './paths';
import { sendJson } from './http';
import { freePort } from './ports';
import { TEST_API_KEY, TEST_PASSWORD } from './accounts';

/** The whole engine as `npm start` runs it, on free ports and a throwaway data folder. */
export interface TestSystem extends RunningSystem {
  dataDir: string;
  env: Record<string, string>;
  /** Sends a JSON request to the API with the bootstrap API key; the body is whatever JSON came back. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

/**
 * Starts the engine with its embedded Temporal dev server. `databaseUrl` picks the database
 * (default: embedded PGlite in the data folder).
 */
export async function startTestSystem(
  options: {
    databaseUrl?: string;
    dataDir?: string;
    temporalAddress?: string;
    /** The bureau of the bootstrap API key (default weihai). */
    bureau?: string;
    /** Further settings, as the environment would give them. */
    env?: Record<string, string>;
  } = {},
): Promise<TestSystem> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'licence-system-'));
  // A port found free can be taken before the dev server binds it (the server picks free ports for
  // its own services as it starts): the start is tried again on fresh ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts(dataDir, options);
    } catch (error) {
      if (attempt === PORT_RACE_ATTEMPTS || !(error instanceof Error) || !error.message.includes('address already in use')) throw error;
    }
  }
}

const PORT_RACE_ATTEMPTS = 3;

async function startOnFreePorts(dataDir: string, options: Parameters<typeof startTestSystem>[0] & object): Promise<TestSystem> {
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    TEMPORAL_CLI,
    TEMPORAL_TASK_QUEUE: 'licence-reminders-test',
    BOOTSTRAP_API_KEY: TEST_API_KEY,
    BOOTSTRAP_ADMIN_PASSWORD: TEST_PASSWORD,
    ...(options.bureau ? { BOOTSTRAP_BUREAU: options.bureau } : {}),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.temporalAddress ? { TEMPORAL_ADDRESS: options.temporalAddress } : {}),
    ...options.env,
  };
  const system = await startSystem(loadConfig(env), createLogger('silent'));
  return {
    ...system,
    dataDir,
    env,
    request: (method, requestPath, body, headers) =>
      sendJson(`${system.apiUrl}${requestPath}`, method, body, { authorization: `Bearer ${TEST_API_KEY}`, ...headers }),
  };
}
