import { readdirSync, readFileSync } from 'node:fs';

/** A process and all its descendants (varnishd's manager forks the worker that serves requests). */
function tree(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const listed = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (listed) children.push(...listed.split(/\s+/).map(Number));
    }
  } catch {
    return [pid];
  }
  return [pid, ...children.flatMap(tree)];
}

function field(pid: number, read: (stat: string[], status: string) => number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return read(stat, readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return 0;
  }
}

/** CPU time (ms, user + system) used so far by a process tree; Linux /proc only (0 elsewhere). */
export function cpuMs(pid: number): number {
  return tree(pid).reduce((sum, p) => sum + field(p, (s) => (Number(s[11]) + Number(s[12])) * 10), 0);
}

/** Resident memory (MiB) of a process tree. */
export function rssMiB(pid: number): number {
  const kib = tree(pid).reduce(
    (sum, p) => sum + field(p, (_, st) => Number(/VmRSS:\s+(\d+)/.exec(st)?.[1] ?? 0)),
    0,
  );
  return Math.round(kib / 1024);
}
