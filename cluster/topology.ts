/**
 * The production topology on one machine's loopback: PostgreSQL (Temporal's persistence and
 * visibility, and the engine's database), the Temporal server as four service processes
 * (frontend, history, matching, worker) built from the same version the CLI embeds, two API
 * processes behind HAProxy, two worker processes, and the simulated outside world as a process of
 * its own. Temporal's services answer only callers with a certificate of the topology's own CA
 * (mutual TLS). The processes outlive the command that started them; their pids, logs, generated
 * secrets and certificates live in one folder, so that `stop` (or a drill) can find them again.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSConfig } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { generatePayloadKeySetting } from '../runtime/payload-codec';
import { temporalTlsConfig } from '../runtime/temporal-tls';
import { certificateFiles, ensureCertificates, FRONTEND_NAME, type CertifiedParty } from './certificates';

export const ROOT = path.resolve(__dirname, '..');
const TOOLS = path.join(ROOT, '.tools');
const TEMPORAL_SERVER_DIR = path.join(TOOLS, 'temporal-server');
export const NAMESPACE = 'default';

export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];
/** The processes the topology runs, in start order; PostgreSQL is pg_ctl's. */
export const PROCESS_NAMES = [
  ...TEMPORAL_SERVICES.map((service) => `temporal-${service}` as const),
  'api-1',
  'api-2',
  'simulators',
  'worker-1',
  'worker-2',
  'proxy',
  'temporal-ui',
] as const;
export type ProcessName = (typeof PROCESS_NAMES)[number];

/** The highest base port: Temporal stores a membership port (base + 939) as a smallint. */
export const MAX_BASE_PORT = 31_000;

/** Every port of the topology, offsets from one base so that two topologies can run side by side. */
export function clusterPorts(base: number) {
  if (!Number.isInteger(base) || base < 1024 || base > MAX_BASE_PORT) throw new Error(`the base port must be a whole number from 1024 to ${MAX_BASE_PORT}, got ${base}`);
  return {
    proxy: base + 100,
    temporalUi: base + 80,
    api: [base + 101, base + 102] as const,
    simulators: base + 190,
    postgres: base + 432,
    temporal: {
      frontend: { grpc: base + 233, membership: base + 933, http: base + 243, metrics: base + 800 },
      history: { grpc: base + 234, membership: base + 934, metrics: base + 801 },
      matching: { grpc: base + 235, membership: base + 935, metrics: base + 802 },
      worker: { grpc: base + 239, membership: base + 939, metrics: base + 803 },
    },
  };
}
export type ClusterPorts = ReturnType<typeof clusterPorts>;

/** Generated once per topology folder and kept there (mode 600): nothing has a public default. */
interface ClusterSecrets {
  postgresPassword: string;
  temporalDbPassword: string;
  appDbPassword: string;
  payloadEncryptionKeys: string;
  smsReceiptSecret: string;
  smsAccessKeyId: string;
  smsAccessKeySecret: string;
  regulatorSigningSecret: string;
  promptSigningSecret: string;
  wechatAppId: string;
  wechatAppSecret: string;
  csrfSecret: string;
  metricsToken: string;
  apiKey: string;
  adminPassword: string;
}

export interface ClusterOptions {
  /** Where pids, logs, secrets and the processes' data folders go. */
  dir: string;
  /** The first of the topology's ports (see clusterPorts). */
  basePort: number;
  /** Extra settings for the API, worker and simulator processes (SMS limits, log level …). */
  engineEnv?: Record<string, string>;
  /**
   * The compiled engine the API and worker processes run, as the image runs it (scripts/build.sh):
   * default this checkout's dist/ (`npm run build`).
   */
  build?: string;
  /** Progress lines; silent when unset. */
  say?: (line: string) => void;
  /**
   * PostgreSQL copies every finished WAL segment to `walArchiveDir` (at least once a minute), so
   * that a base backup can be brought forward to the last segment copied (cluster/backups.ts).
   */
  walArchive?: boolean;
}

/** A running (or stopped) topology, found again from its folder. */
export class Cluster {
  readonly ports: ClusterPorts;
  readonly dir: string;
  readonly build: string;
  private readonly say: (line: string) => void;

  constructor(private readonly options: ClusterOptions) {
    this.dir = path.resolve(options.dir);
    this.build = path.resolve(options.build ?? path.join(ROOT, 'dist'));
    this.ports = clusterPorts(options.basePort);
    this.say = options.say ?? (() => undefined);
  }

  /** The address the public and the approval systems use: HAProxy in front of both API processes. */
  get url(): string {
    return `http://127.0.0.1:${this.ports.proxy}`;
  }
  get temporalUiUrl(): string {
    return `http://127.0.0.1:${this.ports.temporalUi}`;
  }
  get temporalAddress(): string {
    return `127.0.0.1:${this.ports.temporal.frontend.grpc}`;
  }
  /** The CA and certificates of the topology's mutual TLS (cluster/certificates.ts). */
  get certificatesDir(): string {
    return path.join(this.dir, 'tls');
  }
  /** How the operator's tools (the CLI, benchmarks, drills, tests) reach the frontend: with the operator's certificate. */
  get operatorTls(): TLSConfig {
    const { caFile, certFile, keyFile } = certificateFiles(this.certificatesDir, 'operator');
    return temporalTlsConfig({ clientCertificate: { certFile, keyFile }, caFile, serverName: FRONTEND_NAME });
  }
  get simulatorsUrl(): string {
    return `http://127.0.0.1:${this.ports.simulators}/simulators`;
  }
  apiUrl(index: 0 | 1): string {
    return `http://127.0.0.1:${this.ports.api[index]}`;
  }
  private kept?: ClusterSecrets;
  get secrets(): ClusterSecrets {
    this.kept ??= this.keptSecrets();
    return this.kept;
  }
  /** The engine's database, as its processes reach it. */
  get databaseUrl(): string {
    return `postgresql://licences:${encodeURIComponent(this.secrets.appDbPassword)}@127.0.0.1:${this.ports.postgres}/licences`;
  }
  logFile(name: ProcessName | 'postgresql'): string {
    // PostgreSQL writes its own log, as its own user: beside its data folder.
    if (name === 'postgresql') return `${this.postgresDataDir}.log`;
    return path.join(this.dir, 'logs', `${name}.log`);
  }

  /** Starts whatever is not running, in order, each once it can be used; returns the time taken. */
  async start(): Promise<number> {
    const started = Date.now();
    fs.mkdirSync(path.join(this.dir, 'logs'), { recursive: true });
    requireBuiltTools();
    requireCompiledEngine(this.build);
    if (ensureCertificates(this.certificatesDir)) this.say(`TLS: a CA and certificates made in ${this.certificatesDir}`);
    const restoredUpTo = await this.startPostgres();
    await this.prepareDatabases();
    if (restoredUpTo) this.recordRestore(restoredUpTo);
    for (const name of PROCESS_NAMES) {
      if (this.isRunning(name)) continue;
      await this.startProcess(name);
      if (name === 'temporal-worker') this.registerNamespace();
    }
    return Date.now() - started;
  }

  /** Stops every process (SIGTERM, then SIGKILL after a grace period) and PostgreSQL; `purge` also deletes all data. */
  async stop({ purge = false } = {}): Promise<void> {
    // The engine's processes and the proxy first, together, so that no worker or API is left
    // talking to a Temporal service that is going; then Temporal's services, together.
    const temporal: readonly ProcessName[] = TEMPORAL_SERVICES.map((service) => `temporal-${service}` as const);
    await Promise.all(PROCESS_NAMES.filter((name) => !temporal.includes(name)).map((name) => this.stopProcess(name)));
    await Promise.all(temporal.map((name) => this.stopProcess(name)));
    if (fs.existsSync(this.postgresDataDir)) {
      runAsPostgresOwner(pgBinary('pg_ctl'), ['-D', this.postgresDataDir, '-m', 'fast', 'stop'], { allowFailure: true });
    }
    if (purge) {
      fs.rmSync(this.postgresDataDir, { recursive: true, force: true });
      fs.rmSync(this.walArchiveDir, { recursive: true, force: true });
      fs.rmSync(this.logFile('postgresql'), { force: true });
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** Which processes run, by name, and whether PostgreSQL does. */
  status(): Record<ProcessName | 'postgresql', number | 'stopped'> {
    const status = {} as Record<ProcessName | 'postgresql', number | 'stopped'>;
    const pidFile = path.join(this.postgresDataDir, 'postmaster.pid');
    const postgresPid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
    status.postgresql = postgresPid && isAlive(postgresPid) ? postgresPid : 'stopped';
    for (const name of PROCESS_NAMES) status[name] = this.isRunning(name) ? this.pids()[name]! : 'stopped';
    return status;
  }

  /** Sends a signal to one process (a drill's SIGKILL); returns its pid. */
  kill(name: ProcessName, signal: NodeJS.Signals = 'SIGKILL'): number {
    const pid = this.pids()[name];
    if (!pid || !isAlive(pid)) throw new Error(`${name} is not running`);
    process.kill(-pid, signal);
    return pid;
  }

  /** Starts one process again (after a kill) and waits until it serves. */
  async restart(name: ProcessName): Promise<void> {
    if (this.isRunning(name)) await this.stopProcess(name);
    await this.startProcess(name);
  }

  /** Restarts PostgreSQL, keeping its data: every connection of every process drops. */
  restartPostgres(): void {
    runAsPostgresOwner(pgBinary('pg_ctl'), ['-D', this.postgresDataDir, '-w', '-m', 'fast', 'restart', '-l', this.logFile('postgresql')]);
  }

  /** Settings every engine process (API, worker, simulated providers) shares. */
  engineEnvironment(): Record<string, string> {
    const secrets = this.secrets;
    const simulators = this.simulatorsUrl;
    return {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      DATABASE_URL: this.databaseUrl,
      TEMPORAL_ADDRESS: this.temporalAddress,
      ...this.clientTlsEnvironment('engine'),
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_METRICS_ADDRESS: 'off',
      PUBLIC_URL: this.url,
      TRUST_PROXY: 'loopback',
      SIMULATORS: 'off',
      AUTO_PROMPT_URL: `${simulators}/portal/prompts`,
      BATCH_NOTICE_URL: `${simulators}/portal/batch-notices`,
      SMS_PROVIDER: 'aliyun',
      SMS_API_URL: `${simulators}/sms/aliyun`,
      SMS_ACCESS_KEY_ID: secrets.smsAccessKeyId,
      SMS_ACCESS_KEY_SECRET: secrets.smsAccessKeySecret,
      SMS_RECEIPT_SECRET: secrets.smsReceiptSecret,
      WECHAT_API_URL: `${simulators}/wechat`,
      WECHAT_OAUTH_URL: `${simulators}/wechat`,
      WECHAT_APP_ID: secrets.wechatAppId,
      WECHAT_APP_SECRET: secrets.wechatAppSecret,
      WECHAT_TEMPLATE_ID: 'cluster-expiry-reminder',
      REGULATOR_WEBHOOK_BASE_URL: `${simulators}/regulators`,
      REGULATOR_SIGNING_SECRET: secrets.regulatorSigningSecret,
      AUTO_PROMPT_SIGNING_SECRET: secrets.promptSigningSecret,
      PAYLOAD_ENCRYPTION_KEYS: secrets.payloadEncryptionKeys,
      // No codec token: the Web UI sends none (it would pass a signed-in user's token), so the codec
      // answers callers on this machine, the browser on loopback included, through the proxy.
      CODEC_ALLOWED_ORIGINS: this.temporalUiUrl,
      METRICS_TOKEN: secrets.metricsToken,
      CSRF_SECRET: secrets.csrfSecret,
      BOOTSTRAP_API_KEY: secrets.apiKey,
      BOOTSTRAP_ADMIN_PASSWORD: secrets.adminPassword,
      LOG_LEVEL: 'info',
      ...this.options.engineEnv,
    };
  }

  /** TEMPORAL_TLS_*: the settings with which a party's process reaches the frontend. */
  private clientTlsEnvironment(party: Exclude<CertifiedParty, 'cluster'>): Record<string, string> {
    const { caFile, certFile, keyFile } = certificateFiles(this.certificatesDir, party);
    // The frontend's name in its certificate, as a deployment dials it: a TLS server name may not be
    // an IP address (RFC 6066), and Node warns of the loopback address the topology dials.
    return { TEMPORAL_TLS_CA_FILE: caFile, TEMPORAL_TLS_CERT_FILE: certFile, TEMPORAL_TLS_KEY_FILE: keyFile, TEMPORAL_TLS_SERVER_NAME: FRONTEND_NAME };
  }

  get postgresDataDir(): string {
    // PostgreSQL runs as its own user when this runs as root: a folder that user can reach, one
    // per topology folder (whose secrets its passwords are).
    return path.join(os.tmpdir(), `licence-cluster-${createHash('sha256').update(this.dir).digest('hex').slice(0, 12)}-postgresql`);
  }
  /** Where PostgreSQL copies its WAL with `walArchive`; a deployment puts it on another disk. */
  get walArchiveDir(): string {
    return `${this.postgresDataDir}-wal-archive`;
  }
  get postgresPort(): number {
    return this.ports.postgres;
  }
  /** A connection to the instance as its superuser, for its set-up and its backups; end it after use. */
  async connectAsSuperuser(): Promise<PgClient> {
    const admin = new PgClient({ host: '127.0.0.1', port: this.ports.postgres, user: 'postgres', password: this.secrets.postgresPassword, database: 'postgres' });
    await admin.connect();
    return admin;
  }

  private keptSecrets(): ClusterSecrets {
    const file = path.join(this.dir, 'secrets.json');
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterSecrets;
    const token = (bytes = 24) => randomBytes(bytes).toString('base64url');
    const secrets: ClusterSecrets = {
      postgresPassword: token(),
      temporalDbPassword: token(),
      appDbPassword: token(),
      payloadEncryptionKeys: generatePayloadKeySetting('k1'),
      smsReceiptSecret: token(),
      smsAccessKeyId: `LTAI${randomBytes(10).toString('hex')}`,
      smsAccessKeySecret: token(),
      regulatorSigningSecret: token(),
      promptSigningSecret: token(),
      wechatAppId: `wx${randomBytes(8).toString('hex')}`,
      wechatAppSecret: randomBytes(16).toString('hex'),
      csrfSecret: token(32),
      metricsToken: token(),
      apiKey: `lre_${token()}`,
      adminPassword: token(12),
    };
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  }

  private pids(): Partial<Record<ProcessName, number>> {
    const file = path.join(this.dir, 'pids.json');
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Record<ProcessName, number>>) : {};
  }

  private recordPid(name: ProcessName, pid: number | undefined): void {
    const pids = this.pids();
    if (pid === undefined) delete pids[name];
    else pids[name] = pid;
    fs.writeFileSync(path.join(this.dir, 'pids.json'), JSON.stringify(pids, null, 2));
  }

  private isRunning(name: ProcessName): boolean {
    const pid = this.pids()[name];
    return pid !== undefined && isAlive(pid);
  }

  /** Starts PostgreSQL; after a restore from a base backup, returns the instant the restored data reaches. */
  private async startPostgres(): Promise<string | undefined> {
    const data = this.postgresDataDir;
    const secrets = this.secrets;
    if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
      this.say('PostgreSQL: creating its data folder');
      fs.rmSync(data, { recursive: true, force: true });
      fs.mkdirSync(data, { recursive: true, mode: 0o700 });
      const passwordFile = `${data}.password`;
      fs.writeFileSync(passwordFile, secrets.postgresPassword, { mode: 0o644 });
      try {
        if (process.getuid?.() === 0) execFileSync('chown', ['postgres', data, passwordFile]);
        runAsPostgresOwner(pgBinary('initdb'), ['-D', data, '-U', 'postgres', '-A', 'scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--locale=C.UTF-8']);
      } finally {
        fs.rmSync(passwordFile, { force: true });
      }
    }
    if (this.status().postgresql !== 'stopped') return undefined;
    this.say(`PostgreSQL: starting on 127.0.0.1:${this.ports.postgres}`);
    // The log and a backup's label in UTC: a restore reads the instant it reaches from them, and a
    // zone's abbreviation (CST) does not say its offset.
    let settings = `-p ${this.ports.postgres} -k ${data} -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=256MB -c log_timezone=UTC`;
    if (this.options.walArchive) {
      const archive = this.walArchiveDir;
      fs.mkdirSync(archive, { recursive: true, mode: 0o700 });
      if (process.getuid?.() === 0) execFileSync('chown', ['postgres', archive]);
      // pg_ctl hands the options to a shell: the command is quoted for it. A segment is never
      // copied over, so that a restored server's new timeline cannot overwrite the old one's.
      settings += ` -c archive_mode=on -c archive_timeout=60 -c "archive_command=test ! -f ${archive}/%f && cp %p ${archive}/%f"`;
    }
    fs.writeFileSync(this.logFile('postgresql'), '', { flag: 'a' });
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres', this.logFile('postgresql')]);
    const restoring = fs.existsSync(path.join(data, 'recovery.signal'));
    // A base backup put in place holds its label until PostgreSQL has started from it.
    const backupLabel = path.join(data, 'backup_label');
    const backupStartedAt = fs.existsSync(backupLabel) ? /^START TIME: (.+)$/m.exec(fs.readFileSync(backupLabel, 'utf8'))?.[1] : undefined;
    try {
      runAsPostgresOwner(pgBinary('pg_ctl'), ['-D', data, '-l', this.logFile('postgresql'), '-w', '-t', '600', '-o', settings, 'start']);
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}PostgreSQL's log (${this.logFile('postgresql')}):\n${tail(this.logFile('postgresql'))}`);
    }
    const replayedUpTo = await this.waitForRecoveryToEnd(restoring);
    return replayedUpTo ?? backupStartedAt;
  }

  /**
   * A server restored from a base backup answers read-only queries while it replays the WAL
   * archive: nothing may write before it has opened its new timeline.
   */
  private async waitForRecoveryToEnd(restoring: boolean): Promise<string | undefined> {
    const admin = await this.connectAsSuperuser();
    try {
      if (restoring) this.say('PostgreSQL: replaying the WAL archive onto the restored backup');
      const deadline = Date.now() + 60 * 60_000;
      while ((await admin.query<{ recovering: boolean }>('SELECT pg_is_in_recovery() AS recovering')).rows[0]!.recovering) {
        if (Date.now() > deadline) throw new Error(`PostgreSQL was still recovering after an hour; its log: ${this.logFile('postgresql')}`);
        await delay(500);
      }
      if (restoring) {
        // What approval systems send again starts here: PostgreSQL names the last transaction it replayed.
        const replayed = [...fs.readFileSync(this.logFile('postgresql'), 'utf8').matchAll(/last completed transaction was at log time (.+)$/gm)].at(-1)?.[1];
        this.say(`PostgreSQL: restored up to the transaction of ${replayed ?? 'an instant its log does not name'}`);
        return replayed;
      }
      return undefined;
    } finally {
      await admin.end();
    }
  }

  /** Roles and databases (once), then Temporal's schemas brought to the server's version (idempotent). */
  private async prepareDatabases(): Promise<void> {
    const secrets = this.secrets;
    const admin = await this.connectAsSuperuser();
    try {
      for (const [role, password, databases] of [
        ['temporal', secrets.temporalDbPassword, ['temporal', 'temporal_visibility']],
        ['licences', secrets.appDbPassword, ['licences']],
      ] as const) {
        const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
        if (exists.rowCount === 0) await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
        for (const database of databases) {
          const present = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
          if (present.rowCount === 0) await admin.query(`CREATE DATABASE ${database} OWNER ${role}`);
        }
      }
    } finally {
      await admin.end();
    }
    runSetupScript('schema', { ...this.temporalDatabaseEnvironment(), TEMPORAL_SCHEMA_DIR: path.join(TEMPORAL_SERVER_DIR, 'schema', 'postgresql', 'v12'), TEMPORAL_SQL_TOOL: path.join(TEMPORAL_SERVER_DIR, 'bin', 'temporal-sql-tool') });
  }

  /**
   * Tells the engine, before any of its processes starts on the restored database, what it lost:
   * texts sent after `recoveredUpTo` are looked up at the provider before they go again.
   */
  private recordRestore(recoveredUpTo: string): void {
    const recorded = execFileSync(process.execPath, [path.join(this.build, 'bin', 'record-restore.js'), recoveredUpTo], {
      env: { ...process.env, ...this.engineEnvironment() },
      encoding: 'utf8',
    });
    this.say(`engine: ${recorded.trim()}`);
  }

  private registerNamespace(): void {
    runSetupScript('namespace', { TEMPORAL_ADDRESS: this.temporalAddress, TEMPORAL_NAMESPACE: NAMESPACE, TEMPORAL_CLI: path.join(TOOLS, 'bin', 'temporal'), ...this.clientTlsEnvironment('operator') });
    this.say(`Temporal: namespace ${NAMESPACE} served`);
  }

  private temporalDatabaseEnvironment(): Record<string, string> {
    return { TEMPORAL_DB_ADDRESS: `127.0.0.1:${this.ports.postgres}`, TEMPORAL_DB_USER: 'temporal', TEMPORAL_DB_PASSWORD: this.secrets.temporalDbPassword };
  }

  private processSpec(name: ProcessName): { command: string; args: string[]; env: Record<string, string>; ready(): Promise<void> } {
    const ports = this.ports;
    if (name === 'temporal-ui') {
      return {
        command: path.join(TOOLS, 'temporal-ui', 'bin', 'temporal-ui'),
        args: ['--root', ROOT, '--config', 'cluster/temporal-ui', '--env', 'production', 'start'],
        env: {
          TEMPORAL_ADDRESS: this.temporalAddress,
          ...this.clientTlsEnvironment('operator'),
          TEMPORAL_NAMESPACE: NAMESPACE,
          TEMPORAL_UI_PORT: String(ports.temporalUi),
          TEMPORAL_UI_PUBLIC_URL: this.temporalUiUrl,
          TEMPORAL_UI_CODEC_ENDPOINT: `${this.url}/codec`,
          // Plain http on loopback.
          TEMPORAL_UI_COOKIE_INSECURE: 'true',
        },
        ready: () => waitForHttp(`${this.temporalUiUrl}/healthz`, 30_000, this.logFile(name)),
      };
    }
    if (name.startsWith('temporal-')) {
      const service = name.slice('temporal-'.length) as TemporalService;
      const servicePorts = ports.temporal[service];
      const t = ports.temporal;
      const serving = certificateFiles(this.certificatesDir, 'cluster');
      return {
        command: path.join(TEMPORAL_SERVER_DIR, 'bin', 'temporal-server'),
        args: ['--root', ROOT, '--config', 'cluster/temporal', '--env', 'production', '--allow-no-auth', 'start', '--service', service],
        env: {
          ...this.temporalDatabaseEnvironment(),
          TEMPORAL_TLS_CA_FILE: serving.caFile,
          TEMPORAL_TLS_SERVER_CERT_FILE: serving.certFile,
          TEMPORAL_TLS_SERVER_KEY_FILE: serving.keyFile,
          TEMPORAL_BIND_ADDRESS: '127.0.0.1',
          TEMPORAL_METRICS_PORT: String(servicePorts.metrics),
          TEMPORAL_FRONTEND_ADDRESS: this.temporalAddress,
          TEMPORAL_FRONTEND_PORT: String(t.frontend.grpc),
          TEMPORAL_FRONTEND_HTTP_PORT: String(t.frontend.http),
          TEMPORAL_FRONTEND_MEMBERSHIP_PORT: String(t.frontend.membership),
          TEMPORAL_HISTORY_PORT: String(t.history.grpc),
          TEMPORAL_HISTORY_MEMBERSHIP_PORT: String(t.history.membership),
          TEMPORAL_MATCHING_PORT: String(t.matching.grpc),
          TEMPORAL_MATCHING_MEMBERSHIP_PORT: String(t.matching.membership),
          TEMPORAL_WORKER_PORT: String(t.worker.grpc),
          TEMPORAL_WORKER_MEMBERSHIP_PORT: String(t.worker.membership),
        },
        // The worker service serves no gRPC: it is up once it listens for its ring's membership.
        ready: () => waitForPort(service === 'worker' ? servicePorts.membership : servicePorts.grpc, 60_000, this.logFile(name)),
      };
    }
    const engine = (role: 'api' | 'worker', port: number | undefined, dataName: string) => ({
      command: process.execPath,
      args: [path.join(this.build, 'bin', 'start.js')],
      env: {
        ...this.engineEnvironment(),
        ROLE: role,
        PORT: String(port ?? ports.api[0]),
        DATA_DIR: path.join(this.dir, 'data', dataName),
        WORKFLOW_BUNDLE: path.join(this.build, 'workflow-bundle.js'),
      },
    });
    switch (name) {
      case 'api-1':
      case 'api-2': {
        const port = name === 'api-1' ? ports.api[0] : ports.api[1];
        return { ...engine('api', port, name), ready: () => waitForHealth(`http://127.0.0.1:${port}`, 120_000, this.logFile(name)) };
      }
      case 'worker-1':
      case 'worker-2':
        return { ...engine('worker', undefined, name), ready: () => waitForLine(this.logFile(name), 'Stop with Ctrl-C', 120_000) };
      case 'simulators':
        return {
          command: process.execPath,
          args: ['--import', 'tsx', path.join(ROOT, 'bin', 'simulators.ts')],
          env: { ...this.engineEnvironment(), PORT: String(ports.simulators) },
          ready: () => waitForHttp(`${this.simulatorsUrl}/state`, 60_000, this.logFile(name)),
        };
      case 'proxy':
        return {
          command: haproxyBinary(),
          args: ['-db', '-f', path.join(ROOT, 'cluster', 'haproxy.cfg')],
          env: { PROXY_BIND: `127.0.0.1:${ports.proxy}`, API1_ADDRESS: `127.0.0.1:${ports.api[0]}`, API2_ADDRESS: `127.0.0.1:${ports.api[1]}` },
          ready: () => waitForHealth(this.url, 30_000, this.logFile(name)),
        };
    }
    throw new Error(`unknown process ${String(name)}`);
  }

  private async startProcess(name: ProcessName): Promise<void> {
    const spec = this.processSpec(name);
    fs.mkdirSync(path.join(this.dir, 'data'), { recursive: true });
    const log = fs.openSync(this.logFile(name), 'a');
    fs.writeSync(log, `\n--- ${new Date().toISOString()} starting ${name}\n`);
    const child = spawn(spec.command, spec.args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), ...spec.env },
      stdio: ['ignore', log, log],
      // A group of its own: it outlives this command, and a kill reaches its children.
      detached: true,
    });
    fs.closeSync(log);
    this.recordPid(name, child.pid);
    this.say(`${name}: started (pid ${child.pid})`);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) => reject(new Error(`${name} exited (${signal ?? `code ${code}`}) while starting; its log (${this.logFile(name)}):\n${tail(this.logFile(name))}`))),
    );
    try {
      await Promise.race([spec.ready(), exited]);
    } finally {
      exited.catch(() => undefined);
      child.removeAllListeners('exit');
      child.unref();
    }
  }

  private async stopProcess(name: ProcessName): Promise<void> {
    const pid = this.pids()[name];
    if (pid === undefined) return;
    if (isAlive(pid)) {
      signalGroup(pid, 'SIGTERM');
      const deadline = Date.now() + 20_000;
      while (isAlive(pid) && Date.now() < deadline) await delay(100);
      if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
      this.say(`${name}: stopped`);
    }
    this.recordPid(name, undefined);
  }
}

/** cluster/temporal/setup.sh, the same steps docker-compose.yml runs. */
function runSetupScript(step: 'schema' | 'namespace', env: Record<string, string>): void {
  try {
    execFileSync('bash', [path.join(ROOT, 'cluster', 'temporal', 'setup.sh'), step], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`Temporal's ${step} setup failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`);
  }
}

/** Says what setup has not built, in the words of what to run. */
function requireBuiltTools(): void {
  for (const binary of [path.join(TEMPORAL_SERVER_DIR, 'bin', 'temporal-server'), path.join(TEMPORAL_SERVER_DIR, 'bin', 'temporal-sql-tool'), path.join(TOOLS, 'temporal-ui', 'bin', 'temporal-ui'), path.join(TOOLS, 'bin', 'temporal')]) {
    if (!fs.existsSync(binary)) throw new Error(`${path.basename(binary)} is not built: run 'npm run setup -- --cluster' (it builds it with Go).`);
  }
  haproxyBinary();
  pgBinary('pg_ctl');
}

function requireCompiledEngine(build: string): void {
  for (const file of [path.join(build, 'bin', 'start.js'), path.join(build, 'workflow-bundle.js')]) {
    if (!fs.existsSync(file)) throw new Error(`the engine is not compiled: ${file} is missing; run 'npm run build'.`);
  }
}

function haproxyBinary(): string {
  for (const candidate of ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy']) if (fs.existsSync(candidate)) return candidate;
  throw new Error("HAProxy is not installed: run 'npm run setup -- --cluster' (Debian: apt-get install haproxy).");
}

export function pgBinary(name: 'initdb' | 'pg_ctl' | 'pg_basebackup' | 'pg_archivecleanup'): string {
  const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const candidate = path.join('/usr/lib/postgresql', version, 'bin', name);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error("PostgreSQL's server binaries are not installed: run 'npm run setup -- --cluster' (Debian: apt-get install postgresql).");
}

/** PostgreSQL refuses to run as root: as root, its commands run as the postgres user. */
export function runAsPostgresOwner(command: string, args: string[], { allowFailure = false, env = {} as Record<string, string> } = {}): void {
  const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  try {
    execFileSync(file, argv as string[], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  } catch (error) {
    if (!allowFailure) throw new Error(`${path.basename(command)} failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function retryUntil(timeoutMs: number, attempt: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await delay(500);
    }
  }
}

function tail(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n') : '';
}

async function waitForPort(port: number, timeoutMs: number, logFile: string): Promise<void> {
  await retryUntil(timeoutMs, () =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve();
      });
      socket.once('error', reject);
    }),
  ).catch((error: unknown) => {
    throw new Error(`nothing listens on port ${port} after ${timeoutMs / 1000} s (${String(error)}); its log (${logFile}):\n${tail(logFile)}`);
  });
}

async function waitForHttp(url: string, timeoutMs: number, logFile: string): Promise<void> {
  await retryUntil(timeoutMs, async () => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  }).catch((error: unknown) => {
    throw new Error(`${url} did not answer within ${timeoutMs / 1000} s (${String(error)}); its log (${logFile}):\n${tail(logFile)}`);
  });
}

const waitForHealth = (base: string, timeoutMs: number, logFile: string) => waitForHttp(`${base}/healthz`, timeoutMs, logFile);

async function waitForLine(file: string, line: string, timeoutMs: number): Promise<void> {
  await retryUntil(timeoutMs, async () => {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    // Only what this start wrote counts.
    const lastStart = text.lastIndexOf('\n--- ');
    if (!text.slice(lastStart).includes(line)) throw new Error(`not yet "${line}"`);
  }).catch(() => {
    throw new Error(`"${line}" did not appear within ${timeoutMs / 1000} s; the log (${file}):\n${tail(file)}`);
  });
}
