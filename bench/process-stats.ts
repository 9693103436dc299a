import pidtree from 'pidtree';
import pidusage from 'pidusage';

/**
 * CPU time used so far (ms, user + system) and resident memory (MiB) of a process and all its
 * descendants: varnishd's manager forks the worker that serves the requests.
 */
export async function processStats(pid: number): Promise<{ cpuMs: number; rssMiB: number }> {
  const usage = Object.values(await pidusage(await pidtree(pid, { root: true })));
  const sum = (pick: (u: pidusage.Status) => number) => usage.reduce((s, u) => s + (u ? pick(u) : 0), 0);
  return { cpuMs: sum((u) => u.ctime), rssMiB: Math.round(sum((u) => u.memory) / 2 ** 20) };
}
