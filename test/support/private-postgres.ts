import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { pgBinary, runAsPostgresOwner } from '../../cluster/topology';
import { freePort } from './ports';

/**
 * A PostgreSQL server of a test's own, for what the shared test server must not go through: a
 * recovery that opens a new timeline, as a point-in-time restore or a standby's promotion does.
 */
export class PrivatePostgres {
  private constructor(
    private readonly dataDir: string,
    private readonly port: number,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-private-pg-'));
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dataDir]);
    runAsPostgresOwner(pgBinary('initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    const server = new PrivatePostgres(dataDir, await freePort());
    await server.startServer();
    return server;
  }

  url(database = 'postgres', user = 'postgres'): string {
    return `postgresql://${user}@127.0.0.1:${this.port}/${database}`;
  }

  /** Runs statements as the server's superuser, as a managed server's operator would. */
  async asSuperuser(sql: string, database = 'postgres'): Promise<void> {
    await this.query(sql, database);
  }

  async createDatabase(name: string): Promise<string> {
    await this.query(`CREATE DATABASE ${name}`);
    return this.url(name);
  }

  /** Stopped and started again, with nothing lost: its timeline stays. */
  async restart(): Promise<void> {
    this.stopServer();
    await this.startServer();
  }

  /**
   * Stopped, then started in archive recovery: it replays its own WAL and opens a new timeline, as
   * a server restored to a point in time does at the end of its recovery.
   */
  async recoverOntoNewTimeline(): Promise<void> {
    this.stopServer();
    fs.writeFileSync(path.join(this.dataDir, 'recovery.signal'), '');
    fs.appendFileSync(path.join(this.dataDir, 'postgresql.auto.conf'), "restore_command = 'false'\n");
    await this.startServer();
  }

  async timeline(): Promise<number> {
    const [row] = await this.query<{ wal: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS wal');
    return Number.parseInt(row!.wal.slice(0, 8), 16);
  }

  stop(): void {
    this.stopServer();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async startServer(): Promise<void> {
    const log = path.join(this.dataDir, 'server.log');
    runAsPostgresOwner(pgBinary('pg_ctl'), ['-D', this.dataDir, '-l', log, '-w', '-o', `-p ${this.port} -k ${this.dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    // A recovering server answers read-only queries before it opens its new timeline.
    for (const deadline = Date.now() + 60_000; ; ) {
      const [row] = await this.query<{ recovering: boolean }>('SELECT pg_is_in_recovery() AS recovering');
      if (!row!.recovering) return;
      if (Date.now() > deadline) throw new Error(`the private PostgreSQL server was still recovering after a minute; its log: ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private stopServer(): void {
    runAsPostgresOwner(pgBinary('pg_ctl'), ['-D', this.dataDir, '-m', 'fast', '-w', 'stop'], { allowFailure: true });
  }

  private async query<Row extends object>(sql: string, database = 'postgres'): Promise<Row[]> {
    const client = new Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query<Row>(sql)).rows;
    } finally {
      await client.end();
    }
  }
}
