import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Starts the private PostgreSQL server the database tests use; its URL goes to TEST_POSTGRES_URL. */
export default function globalSetup(): void {
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'test-postgres.sh');
  process.env.TEST_POSTGRES_URL = execFileSync('bash', [script, 'start'], { encoding: 'utf8' }).trim();
}
