import fs from 'node:fs';
import path from 'node:path';

/** Kernel clock ticks a second, in which /proc/<pid>/stat counts CPU time (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU ticks each live process has used so far, with a label for the part of the topology it is. */
export type CpuSnapshot = Map<number, { label: string; ticks: number }>;

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The part of a topology a process is, told from its command line and ROLE. */
function labelOf(pid: number, argv: string[]): string {
  const line = argv.join(' ');
  const service = /--service[= ](\w+)/.exec(line)?.[1];
  if (service) return `Temporal ${service}`;
  if (line.includes('start-dev')) return 'Temporal dev server';
  if (line.includes('temporal-ui')) return 'Temporal UI';
  const program = path.basename(argv[0] ?? '');
  if (program === 'postgres' || line.startsWith('postgres:')) return 'PostgreSQL';
  if (program === 'haproxy') return 'HAProxy';
  if (pid === process.pid) return 'this benchmark (and the dev topology’s API)';
  if (program === 'node' || program.startsWith('node')) {
    const role = /(?:^|\0)ROLE=(\w+)/.exec(read(`/proc/${pid}/environ`) ?? '')?.[1];
    return role ? `engine ${role}` : 'node (other)';
  }
  return program;
}

/** The CPU ticks (user and system) a process has used, from its /proc/<pid>/stat line. */
function ticksOf(stat: string): number {
  // Fields after the command name in brackets: utime and stime are the 14th and 15th of the line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU seconds one process has used so far, all its threads. */
export function cpuSecondsOfProcess(pid: number): number {
  return ticksOf(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')) / TICKS_PER_SECOND;
}

/** Every process's CPU ticks now (Linux /proc; empty elsewhere). */
export function cpuSnapshot(): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  if (!fs.existsSync('/proc/self/stat')) return snapshot;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = read(`/proc/${pid}/stat`);
    const argv = read(`/proc/${pid}/cmdline`)?.split('\0').filter(Boolean);
    if (!stat || !argv || argv.length === 0) continue;
    snapshot.set(pid, { label: labelOf(pid, argv), ticks: ticksOf(stat) });
  }
  return snapshot;
}

/**
 * CPU seconds each part of the topology used between two snapshots, largest first; a process that
 * started in between counts from zero. Parts under 1% of the whole are left out.
 */
function cpuSecondsBetween(before: CpuSnapshot, after: CpuSnapshot): Array<{ label: string; seconds: number }> {
  const byLabel = new Map<string, number>();
  for (const [pid, { label, ticks }] of after) {
    const used = ticks - (before.get(pid)?.ticks ?? 0);
    if (used > 0) byLabel.set(label, (byLabel.get(label) ?? 0) + used / TICKS_PER_SECOND);
  }
  const total = [...byLabel.values()].reduce((sum, seconds) => sum + seconds, 0);
  return [...byLabel]
    .map(([label, seconds]) => ({ label, seconds }))
    .filter(({ seconds }) => seconds >= total / 100)
    .sort((a, b) => b.seconds - a.seconds);
}

/** CPU seconds each part of the topology used since `before`, divided among `count` items of work. */
export function cpuSecondsEachSince(before: CpuSnapshot, count: number): Array<{ label: string; seconds: number }> {
  return cpuSecondsBetween(before, cpuSnapshot()).map(({ label, seconds }) => ({ label, seconds: seconds / count }));
}
