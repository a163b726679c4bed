import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function globalTeardown(): void {
  execFileSync('bash', [path.resolve(__dirname, '..', '..', 'scripts', 'test-postgres.sh'), 'stop'], { stdio: 'inherit' });
}
