import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../runtime/config';
import { PROJECT_ROOT } from '../support/paths';

// No Docker engine runs where the tests run: check what can be checked without one.
const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: string; environment?: Record<string, string>; depends_on?: Record<string, unknown>; command?: string[] }>;
};

/** What an operator's .env file sets: every secret and endpoint compose demands. */
const OPERATOR_SETTINGS: Record<string, string> = {
  AUTO_PROMPT_URL: 'https://portal.example.cn/prompts',
  BATCH_NOTICE_URL: 'https://portal.example.cn/batch-notices',
  SMS_API_URL: 'https://dysmsapi.aliyuncs.com/',
  SMS_ACCESS_KEY_ID: 'LTAI-bureau',
  SMS_ACCESS_KEY_SECRET: 'bureau-access-secret',
  SMS_RECEIPT_SECRET: 'receipt-token-of-the-bureau',
  REGULATOR_WEBHOOK_BASE_URL: 'https://regulators.example.cn/hooks',
  REGULATOR_SIGNING_SECRET: 'signing-key-of-the-bureau',
  PAYLOAD_ENCRYPTION_KEYS: 'k1:q6nWl2x8cS0BzmXhJ0bOqkX0qvQeIhIMsGp8B7rFZ1Y=',
  CODEC_AUTH_TOKEN: 'codec-token-of-the-bureau',
  METRICS_TOKEN: 'metrics-token-of-the-bureau',
  CSRF_SECRET: 'csrf-secret-of-the-bureau-0123456789',
  APP_POSTGRES_PASSWORD: 'app-database-password',
  TEMPORAL_POSTGRES_PASSWORD: 'temporal-database-password',
};

/** Compose's interpolation: `${NAME:-default}` and `${NAME:?message}`, which refuses to start while NAME is unset. */
function interpolate(environment: Record<string, string> = {}, settings: Record<string, string>): Record<string, string> {
  const value = (text: string) =>
    text.replace(/\$\{(\w+)(?::-([^}]*)|:\?([^}]*))\}/g, (_whole, name: string, fallback?: string, demand?: string) => {
      if (settings[name]) return settings[name];
      if (demand !== undefined) throw new Error(`${name}: ${demand}`);
      return fallback ?? '';
    });
  return Object.fromEntries(Object.entries(environment).map(([key, text]) => [key, value(String(text))]));
}

describe('docker-compose.yml', () => {
  it('has a Temporal cluster with its database and UI, the application database, migrations, API and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['api', 'app-postgresql', 'migrate', 'temporal', 'temporal-postgresql', 'temporal-ui', 'worker'].sort(),
    );
    expect(compose.services.temporal!.image).toMatch(/^temporalio\/auto-setup:\d+\.\d+\.\d+$/);
    expect(compose.services['temporal-ui']!.image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
  });

  it.each(['api', 'worker'])('gives the %s an environment that the engine accepts, with external Temporal and PostgreSQL', (name) => {
    const service = compose.services[name]!;
    expect(service.build).toBe('.');
    const config = loadConfig(interpolate(service.environment, OPERATOR_SETTINGS));
    expect(config.embeddedTemporal).toBe(false);
    expect(config.databaseUrl).toMatch(/^postgresql:\/\/.+@app-postgresql:5432\//);
    expect(config.ROLE).toBe(name);
    // The bureau's own systems, never the simulators.
    expect(config.SIMULATORS).toBe('off');
    expect(config.endpoints.sms.url).toBe('https://dysmsapi.aliyuncs.com/');
    expect(Object.keys(service.depends_on ?? {})).toEqual(expect.arrayContaining(['temporal', 'app-postgresql', 'migrate']));
  });

  it('has no public default for any secret or endpoint: compose names each one the operator has not set', () => {
    for (const name of ['api', 'worker', 'migrate', 'app-postgresql', 'temporal', 'temporal-postgresql']) {
      const environment = compose.services[name]!.environment ?? {};
      expect(() => interpolate(environment, {})).toThrow();
      for (const secret of Object.keys(OPERATOR_SETTINGS)) {
        const without = Object.fromEntries(Object.entries(OPERATOR_SETTINGS).filter(([key]) => key !== secret));
        const uses = Object.values(environment).some((text) => String(text).includes(`\${${secret}`));
        if (uses) expect(() => interpolate(environment, without)).toThrow(new RegExp(`^${secret}: set `));
      }
    }
  });

  it('runs the migration command that exists in this repository', () => {
    const [binary, script, command] = compose.services.migrate!.command!;
    expect(binary).toBe('node_modules/.bin/tsx');
    expect(fs.existsSync(path.join(PROJECT_ROOT, script!))).toBe(true);
    expect(command).toBe('deploy');
  });

  it('builds from a Dockerfile that starts the engine', () => {
    const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/npm ci/);
    const cmd = /^CMD (.+)$/m.exec(dockerfile)![1]!;
    const [, entry] = JSON.parse(cmd) as string[];
    expect(fs.existsSync(path.join(PROJECT_ROOT, entry!))).toBe(true);
  });
});
