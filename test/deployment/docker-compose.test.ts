import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { certificateFiles, ensureCertificates } from '../../cluster/certificates';
import { parse } from 'yaml';
import { loadConfig } from '../../runtime/config';
import { PROJECT_ROOT } from '../support/paths';

// No Docker engine runs where the tests run: check what can be checked without one.
const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: string; environment?: Record<string, string>; depends_on?: Record<string, unknown>; command?: string[]; volumes?: string[] }>;
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
  PUBLIC_URL: 'https://zwfw.example.cn/reminders',
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

/** A version the project's setup pins, as scripts/setup.sh spells it. */
function setupVersion(name: string): string {
  const match = new RegExp(`^${name}="([^"]+)"$`, 'm').exec(fs.readFileSync(path.join(PROJECT_ROOT, 'scripts', 'setup.sh'), 'utf8'));
  if (!match) throw new Error(`scripts/setup.sh does not set ${name}`);
  return match[1]!;
}

/** The source a file of the build (dist/…/x.js) is compiled from. */
function sourceOfBuilt(file: string): string {
  expect(file).toMatch(/^dist\/.+\.js$/);
  return path.join(PROJECT_ROOT, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
}

/** The entry points `npm run build` compiles (tsconfig.build.json). */
function buildEntries(): string[] {
  return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include;
}

const TEMPORAL_SERVICES = ['temporal-frontend', 'temporal-history', 'temporal-matching', 'temporal-worker'];

const certificates = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-tls-'));
beforeAll(() => ensureCertificates(certificates));
afterAll(() => fs.rmSync(certificates, { recursive: true, force: true }));

describe('docker-compose.yml', () => {
  it('runs the loopback topology: each Temporal service apart, its schema and namespace set-up, the UI, two APIs behind HAProxy, two workers', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        ...TEMPORAL_SERVICES,
        'temporal-postgresql',
        'temporal-schema',
        'temporal-namespace',
        'temporal-ui',
        'app-postgresql',
        'migrate',
        'api-1',
        'api-2',
        'worker-1',
        'worker-2',
        'proxy',
      ].sort(),
    );
    for (const [index, name] of TEMPORAL_SERVICES.entries()) {
      expect(compose.services[name]!.command).toEqual([['frontend', 'history', 'matching', 'worker'][index]]);
    }
    expect(compose.services['temporal-schema']!.command).toEqual(['setup', 'schema']);
    expect(compose.services['temporal-namespace']!.command).toEqual(['setup', 'namespace']);
    expect(compose.services.proxy!.environment).toMatchObject({ API1_ADDRESS: 'api-1:3000', API2_ADDRESS: 'api-2:3000' });
  });

  it("serves Temporal only over mutual TLS, from the certificate folder the operator mounts, named as the loopback topology's", () => {
    const mountedFiles = (name: string) => {
      const service = compose.services[name]!;
      expect([name, service.volumes]).toEqual([name, [expect.stringMatching(/^\$\{TEMPORAL_TLS_DIR:\?.+\}:\/run\/temporal-tls:ro$/)]]);
      const environment = interpolate(service.environment, OPERATOR_SETTINGS);
      return Object.fromEntries(Object.entries(environment).filter(([key]) => key.startsWith('TEMPORAL_TLS_')));
    };
    for (const name of TEMPORAL_SERVICES) {
      expect(mountedFiles(name)).toEqual({ TEMPORAL_TLS_CA_FILE: '/run/temporal-tls/ca.pem', TEMPORAL_TLS_SERVER_CERT_FILE: '/run/temporal-tls/cluster.pem', TEMPORAL_TLS_SERVER_KEY_FILE: '/run/temporal-tls/cluster.key' });
    }
    for (const name of ['temporal-namespace', 'temporal-ui']) {
      expect(mountedFiles(name)).toEqual({ TEMPORAL_TLS_CA_FILE: '/run/temporal-tls/ca.pem', TEMPORAL_TLS_CERT_FILE: '/run/temporal-tls/operator.pem', TEMPORAL_TLS_KEY_FILE: '/run/temporal-tls/operator.key' });
    }
    const healthCheck = (compose.services['temporal-frontend'] as { healthcheck?: { test: string[] } }).healthcheck!.test.join(' ');
    expect(healthCheck).toContain('--tls-cert-path /run/temporal-tls/operator.pem --tls-key-path /run/temporal-tls/operator.key');
    const named = [...fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8').matchAll(/\/run\/temporal-tls\/([\w.-]+)/g)].map((match) => match[1]!);
    expect(named.filter((file) => !fs.existsSync(path.join(certificates, file)))).toEqual([]);
  });

  it('builds the Temporal image from exactly the versions and configuration files the loopback topology runs', () => {
    for (const name of [...TEMPORAL_SERVICES, 'temporal-schema', 'temporal-namespace', 'temporal-ui']) {
      expect([name, compose.services[name]!.image]).toEqual([name, `licence-reminder-temporal:${setupVersion('temporal_server_version')}`]);
    }
    const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, 'cluster', 'temporal', 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`ARG TEMPORAL_SERVER_VERSION=${setupVersion('temporal_server_version')}\n`);
    expect(dockerfile).toContain(`ARG TEMPORAL_CLI_VERSION=${setupVersion('temporal_cli_version')}\n`);
    expect(dockerfile).toContain(`ARG TEMPORAL_UI_VERSION=${setupVersion('temporal_ui_version')}\n`);
    for (const file of ['cluster/temporal/production.yaml', 'cluster/temporal/dynamicconfig.yaml', 'cluster/temporal/setup.sh', 'cluster/temporal-ui/production.yaml']) {
      expect(dockerfile).toContain(file);
      expect(fs.existsSync(path.join(PROJECT_ROOT, file))).toBe(true);
    }
  });

  it.each(['api-1', 'api-2', 'worker-1', 'worker-2'])('gives %s an environment that the engine accepts, with the cluster over mutual TLS and PostgreSQL', (name) => {
    const service = compose.services[name]!;
    expect(service.build).toBe('.');
    expect(service.volumes).toEqual([expect.stringMatching(/^\$\{TEMPORAL_TLS_DIR:\?.+\}:\/run\/temporal-tls:ro$/)]);
    const environment = interpolate(service.environment, OPERATOR_SETTINGS);
    // The files compose mounts, as `npm run cluster -- certificates` makes them.
    const mounted = Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, value.replace(/^\/run\/temporal-tls\//, `${certificates}/`)]));
    const config = loadConfig(mounted);
    const { caFile, certFile, keyFile } = certificateFiles(certificates, 'engine');
    expect(config.temporalTls).toEqual({ clientCertificate: { certFile, keyFile }, caFile });
    expect(config.embeddedTemporal).toBe(false);
    expect(config.TEMPORAL_ADDRESS).toBe('temporal-frontend:7233');
    expect(config.databaseUrl).toMatch(/^postgresql:\/\/.+@app-postgresql:5432\//);
    expect(config.ROLE).toBe(name.replace(/-\d$/, ''));
    // The bureau's own systems, never the simulators.
    expect(config.SIMULATORS).toBe('off');
    expect(config.endpoints.sms.url).toBe('https://dysmsapi.aliyuncs.com/');
    expect(Object.keys(service.depends_on ?? {})).toEqual(expect.arrayContaining(['temporal-namespace', 'app-postgresql', 'migrate']));
  });

  it('has no public default for any secret or endpoint: compose names each one the operator has not set', () => {
    for (const name of ['api-1', 'api-2', 'worker-1', 'worker-2', 'migrate', 'app-postgresql', 'temporal-frontend', 'temporal-schema', 'temporal-postgresql']) {
      const environment = compose.services[name]!.environment ?? {};
      expect(() => interpolate(environment, {})).toThrow();
      for (const secret of Object.keys(OPERATOR_SETTINGS)) {
        const without = Object.fromEntries(Object.entries(OPERATOR_SETTINGS).filter(([key]) => key !== secret));
        const uses = Object.values(environment).some((text) => String(text).includes(`\${${secret}`));
        if (uses) expect(() => interpolate(environment, without)).toThrow(new RegExp(`^${secret}: set `));
      }
    }
  });

  it('runs the migration command the build compiles from this repository', () => {
    const [binary, script, command] = compose.services.migrate!.command!;
    expect(binary).toBe('node');
    expect(fs.existsSync(sourceOfBuilt(script!))).toBe(true);
    expect(buildEntries()).toContain(path.relative(PROJECT_ROOT, sourceOfBuilt(script!)));
    expect(command).toBe('deploy');
  });

  it('builds the engine from a Dockerfile on a maintained Node LTS that package.json supports', () => {
    const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    const node = /^FROM node:(\d+)-/m.exec(dockerfile)![1]!;
    expect(Number(node)).toBeGreaterThanOrEqual(22);
    const engines = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toContain(`^${node}.`);
    expect(dockerfile).toMatch(/npm ci/);
  });

  it('runs the compiled engine with the workflows bundled at build time, and no development tools', () => {
    const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/RUN npm run build && npm prune --omit=dev/);
    const [binary, entry] = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!) as string[];
    expect(binary).toBe('node');
    expect(buildEntries()).toContain(path.relative(PROJECT_ROOT, sourceOfBuilt(entry!)));
    expect(dockerfile).toContain('WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js');
    expect(fs.readFileSync(path.join(PROJECT_ROOT, 'scripts', 'build.sh'), 'utf8')).toContain('"$out/workflow-bundle.js"');
    const packageJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(packageJson.dependencies)).not.toEqual(expect.arrayContaining(['tsx']));
  });
});
