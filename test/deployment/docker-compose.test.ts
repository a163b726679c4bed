import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../runtime/config';
import { PROJECT_ROOT } from '../support/paths';

// No Docker engine runs where the tests run: check what can be checked without one.
const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: string; environment?: Record<string, string>; depends_on?: Record<string, unknown>; command?: string[] }>;
};

/** Compose's `${NAME:-default}` interpolation, for a shell where `NAME` is unset. */
function interpolate(environment: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value).replace(/\$\{\w+:-([^}]*)\}/g, '$1')]));
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
    const config = loadConfig(interpolate(service.environment));
    expect(config.embeddedTemporal).toBe(false);
    expect(config.databaseUrl).toMatch(/^postgresql:\/\/.+@app-postgresql:5432\//);
    expect(config.ROLE).toBe(name);
    // Both containers reach the outside systems (or their stand-ins on the API) by service name.
    expect(config.endpoints.sms.url).toBe('http://api:3000/simulators/sms/aliyun');
    expect(Object.keys(service.depends_on ?? {})).toEqual(expect.arrayContaining(['temporal', 'app-postgresql', 'migrate']));
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
