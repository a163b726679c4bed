/**
 * Backups of the topology's one PostgreSQL instance, which holds Temporal's persistence and
 * visibility and the engine's database: a base backup copies all three at one instant, so a
 * restore never finds a workflow the engine does not know of, or the reverse. With the topology's
 * WAL archive, a restore is brought forward from the base backup to the last archived segment.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROCESS_NAMES, pgBinary, runAsPostgresOwner, type Cluster } from './topology';

export interface BaseBackup {
  dir: string;
  seconds: number;
  bytes: number;
  /** The first WAL segment a restore of it needs (its `backup_label`). */
  startSegment: string;
}

/**
 * Copies the running instance into `target` with `pg_basebackup` (the WAL it needs included), as
 * the postgres user, so that the copy can be started as it is. `target` must not exist.
 */
export function takeBaseBackup(cluster: Cluster, target: string): BaseBackup {
  if (fs.existsSync(target)) throw new Error(`${target} exists: a base backup goes into a new folder`);
  const started = Date.now();
  fs.mkdirSync(target, { recursive: true, mode: 0o700 });
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', target]);
  runAsPostgresOwner(
    pgBinary('pg_basebackup'),
    ['-h', '127.0.0.1', '-p', String(cluster.postgresPort), '-U', 'postgres', '--no-password', '-D', target, '-X', 'stream', '-c', 'fast'],
    { env: { PGPASSWORD: cluster.secrets.postgresPassword } },
  );
  return { dir: target, seconds: (Date.now() - started) / 1000, bytes: folderBytes(target), startSegment: startSegmentOf(target) };
}

/** The base backup in `dir`, as `takeBaseBackup` left it. */
export function existingBaseBackup(dir: string): BaseBackup {
  if (!fs.existsSync(path.join(dir, 'backup_label'))) throw new Error(`${dir} holds no base backup (no backup_label)`);
  return { dir, seconds: 0, bytes: folderBytes(dir), startSegment: startSegmentOf(dir) };
}

/**
 * Deletes the archived WAL segments older than the backup's first: a restore from this backup or
 * a later one never reads them. Keep the backups before it only if the archive is kept for them.
 */
export function pruneWalArchive(cluster: Cluster, backup: BaseBackup): void {
  if (!fs.existsSync(cluster.walArchiveDir)) return;
  runAsPostgresOwner(pgBinary('pg_archivecleanup'), [cluster.walArchiveDir, backup.startSegment]);
}

/**
 * Closes the WAL segment being written and waits until the archive has it: what `archive_timeout`
 * does within a minute. Returns the segment's name.
 */
export async function archiveCurrentSegment(cluster: Cluster, timeoutMs = 60_000): Promise<string> {
  const admin = await cluster.connectAsSuperuser();
  try {
    const switched = await admin.query<{ segment: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS segment');
    const segment = switched.rows[0]!.segment;
    const deadline = Date.now() + timeoutMs;
    while (!fs.existsSync(path.join(cluster.walArchiveDir, segment))) {
      if (Date.now() > deadline) throw new Error(`WAL segment ${segment} was not archived within ${timeoutMs / 1000} s; PostgreSQL's log: ${cluster.logFile('postgresql')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return segment;
  } finally {
    await admin.end();
  }
}

function startSegmentOf(dir: string): string {
  const label = fs.readFileSync(path.join(dir, 'backup_label'), 'utf8');
  const segment = /^START WAL LOCATION: .* \(file ([0-9A-F]{24})\)$/m.exec(label)?.[1];
  if (!segment) throw new Error(`${dir}/backup_label names no start segment`);
  return segment;
}

/**
 * Puts a base backup in place of the instance's data folder, which must not be in use (stop the
 * topology, or it was lost); a data folder still there is renamed aside, and its name returned.
 * With `replayArchive`, PostgreSQL replays the WAL archive on its next start up to its last
 * segment and then opens a new timeline; without, the restore is the backup as it was taken.
 * Start the topology afterwards.
 */
export function restoreBaseBackup(cluster: Cluster, backup: BaseBackup, { replayArchive }: { replayArchive: boolean }): { setAside?: string } {
  if (cluster.status().postgresql !== 'stopped') throw new Error('PostgreSQL is running: stop the topology before restoring over its data');
  const data = cluster.postgresDataDir;
  // A data folder still there is kept aside, not deleted: a restore by mistake must cost nothing.
  let setAside: string | undefined;
  if (fs.existsSync(data)) {
    setAside = `${data}-replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(data, setAside);
  }
  runAsPostgresOwner('cp', ['-a', backup.dir, data]);
  // The instance's socket lives in its data folder, and the backup copied the socket's lock file,
  // which names the old server's process: a server finding it refuses to start while that id lives.
  for (const name of fs.readdirSync(data)) if (name.startsWith('.s.PGSQL.')) fs.rmSync(path.join(data, name), { force: true });
  if (replayArchive) {
    const archive = cluster.walArchiveDir;
    if (!fs.existsSync(archive)) throw new Error(`no WAL archive at ${archive}: the topology was started without walArchive`);
    fs.appendFileSync(path.join(data, 'postgresql.auto.conf'), `restore_command = 'cp ${archive}/%f %p'\n`);
    fs.writeFileSync(path.join(data, 'recovery.signal'), '');
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres', path.join(data, 'postgresql.auto.conf'), path.join(data, 'recovery.signal')]);
  }
  return { setAside };
}

/**
 * The disk under the database is gone: every process but the simulated outside world is killed,
 * PostgreSQL stops without a checkpoint, and its data folder is deleted.
 */
export function loseDatabaseDisk(cluster: Cluster): void {
  const status = cluster.status();
  for (const name of PROCESS_NAMES) if (name !== 'simulators' && status[name] !== 'stopped') cluster.kill(name);
  runAsPostgresOwner(pgBinary('pg_ctl'), ['-D', cluster.postgresDataDir, '-m', 'immediate', 'stop'], { allowFailure: true });
  fs.rmSync(cluster.postgresDataDir, { recursive: true, force: true });
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}
