import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';

export { default as freePort } from 'get-port';

/** Polls `url` until it answers 2xx; throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status < 300) return;
      last = `status ${res.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

/** A child process we own: its last output kept for diagnostics, stopped with a signal and awaited. */
export class ManagedProcess {
  private readonly output: string[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => this.output.push(chunk.toString()) > 500 && this.output.shift();
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ? null : code)),
    );
  }

  static start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): ManagedProcess {
    const stdio = ['ignore', 'pipe', 'pipe'] satisfies StdioOptions;
    return new ManagedProcess(name, spawn(command, args, { env: { ...process.env, ...env }, stdio }));
  }

  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  /** SIGKILL after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    return this.exited.finally(() => clearTimeout(timer));
  }

  /** Waits for `ready`, failing at once (with the process output) if the process exits first. */
  async readyOrExit(ready: Promise<void>): Promise<void> {
    const exited = this.exited.then((code) => {
      throw new Error(`${this.name} exited (${code}) before it was ready`);
    });
    try {
      await Promise.race([ready, exited]);
    } catch (error) {
      await this.stop('SIGKILL');
      throw new Error(`${String(error)}\n${this.logs()}`);
    }
  }

  logs(): string {
    return this.output.join('');
  }
}
