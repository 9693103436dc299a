import { type ChildProcess, spawn } from 'node:child_process';

/** A child process we own: output kept for diagnostics, stopped with a signal and awaited. */
export class ManagedProcess {
  readonly output: string[] = [];
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 500) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? (signal ? null : 0))),
    );
  }

  static start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): ManagedProcess {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ManagedProcess(name, child);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the exit code (null when killed by a signal). */
  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<number | null> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
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
