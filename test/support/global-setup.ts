import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { freePort } from './ports';

/**
 * Starts the private PostgreSQL server the database tests use; its URL goes to TEST_POSTGRES_URL.
 * Each run takes a port of its own (unless TEST_POSTGRES_PORT names one), so that two runs on one
 * machine never stop each other's server.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TEST_POSTGRES_PORT ??= String(await freePort());
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'test-postgres.sh');
  process.env.TEST_POSTGRES_URL = execFileSync('bash', [script, 'start'], { encoding: 'utf8', env: process.env }).trim();
}

