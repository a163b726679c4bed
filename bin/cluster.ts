/**
 * `npm run cluster -- start|stop|status`: the production topology on this machine's loopback
 * (cluster/topology.ts). `start` returns once every part serves and leaves them running; `stop`
 * stops them and keeps the data (`stop --purge` deletes it too). `certificates <dir>` makes a CA
 * and the certificates of the cluster's mutual TLS in a folder, for docker-compose.yml.
 * `backup <dir>` takes a base backup of its PostgreSQL instance while it runs (and drops the
 * archived WAL older than it); `restore <dir>`, with the topology stopped, puts one back, to be
 * brought forward by the WAL archive at the next start (cluster/backups.ts).
 *
 * CLUSTER_DIR (default .cluster) holds pids, logs and the generated secrets; CLUSTER_BASE_PORT
 * (default 17000) is the first of its ports, so that a second topology can run beside it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { existingBaseBackup, pruneWalArchive, restoreBaseBackup, takeBaseBackup } from '../cluster/backups';
import { certificateFiles, ensureCertificates } from '../cluster/certificates';
import { Cluster, MAX_BASE_PORT, ROOT } from '../cluster/topology';

const settings = z
  .object({
    CLUSTER_DIR: z.string().min(1).default(path.join(ROOT, '.cluster')),
    CLUSTER_BASE_PORT: z.coerce.number().int().min(1024).max(MAX_BASE_PORT, `must be at most ${MAX_BASE_PORT}: Temporal stores membership ports as smallints`).default(17_000),
  })
  .parse(process.env);

/**
 * What only `start` needs: the tools built (Go, Debian's packages) and the engine compiled into
 * dist/. The other commands touch neither: a build replaces dist/ under the running processes.
 */
function prepareToStart(): void {
  execFileSync('bash', [path.join(ROOT, 'scripts', 'setup.sh'), '--cluster'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync('bash', [path.join(ROOT, 'scripts', 'build.sh')], { cwd: ROOT, stdio: 'inherit' });
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { purge: { type: 'boolean', default: false } } });
  const command = positionals[0] ?? 'status';
  const cluster = new Cluster({ dir: settings.CLUSTER_DIR, basePort: settings.CLUSTER_BASE_PORT, walArchive: true, say: (line) => console.log(`cluster: ${line}`) });
  const folderArgument = (usage: string) => {
    const dir = positionals[1];
    if (!dir) {
      console.error(`usage: npm run cluster -- ${usage} <folder>`);
      process.exit(2);
    }
    return path.resolve(dir);
  };
  switch (command) {
    case 'start': {
      prepareToStart();
      const ms = await cluster.start();
      const secrets = cluster.secrets;
      const operator = certificateFiles(cluster.certificatesDir, 'operator');
      console.log(
        [
          '',
          `  Started in ${(ms / 1000).toFixed(1)} s.`,
          `  Engine (HAProxy)  ${cluster.url}/   (API processes at ${cluster.apiUrl(0)} and ${cluster.apiUrl(1)})`,
          `  API key           ${secrets.apiKey}   (bureau weihai)`,
          `  Administrator     user "admin", password ${secrets.adminPassword}`,
          `  Temporal          ${cluster.temporalAddress}   (frontend; history, matching and worker run apart), namespace default`,
          `                    mutual TLS: temporal workflow list --address ${cluster.temporalAddress} --tls-ca-path ${operator.caFile} \\`,
          `                      --tls-cert-path ${operator.certFile} --tls-key-path ${operator.keyFile}`,
          `  Temporal UI       ${cluster.temporalUiUrl}   (payloads decoded through the engine's /codec)`,
          `  PostgreSQL        127.0.0.1:${cluster.ports.postgres}   (databases temporal, temporal_visibility, licences)`,
          `  Providers         ${cluster.simulatorsUrl}   (simulated: SMS, WeChat, the approval system, the regulators)`,
          `  Logs and secrets  ${cluster.dir}`,
          '  Stop with         npm run cluster -- stop',
          '',
        ].join('\n'),
      );
      return;
    }
    case 'stop':
      await cluster.stop({ purge: values.purge });
      console.log(values.purge ? 'cluster: stopped; its data is deleted' : 'cluster: stopped; its data is kept for the next start');
      return;
    case 'certificates': {
      const dir = folderArgument('certificates');
      const made = ensureCertificates(dir);
      console.log(made ? `cluster: a CA and the certificates of cluster, engine and operator are in ${dir}` : `cluster: ${dir} already holds them; nothing made`);
      return;
    }
    case 'backup': {
      const backup = takeBaseBackup(cluster, folderArgument('backup'));
      pruneWalArchive(cluster, backup);
      console.log(`cluster: base backup in ${backup.dir} (${(backup.bytes / 1024 / 1024).toFixed(0)} MB, ${backup.seconds.toFixed(1)} s); archived WAL before ${backup.startSegment} deleted`);
      return;
    }
    case 'restore': {
      const backup = existingBaseBackup(folderArgument('restore'));
      const { setAside } = restoreBaseBackup(cluster, backup, { replayArchive: true });
      if (setAside) console.log(`cluster: the data folder it replaces is kept in ${setAside}; delete it once the restore is checked`);
      console.log(`cluster: ${backup.dir} is in place; 'npm run cluster -- start' replays the WAL archive (${cluster.walArchiveDir}) onto it and starts every part`);
      return;
    }
    case 'status':
      for (const [name, state] of Object.entries(cluster.status())) console.log(`${name.padEnd(18)} ${state === 'stopped' ? 'stopped' : `running (pid ${state})`}`);
      return;
    default:
      console.error(`unknown command "${command}": use start, stop [--purge], status, certificates <folder>, backup <folder> or restore <folder>`);
      process.exit(2);
  }
}

main().catch((error: unknown) => {
  console.error(`cluster: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
