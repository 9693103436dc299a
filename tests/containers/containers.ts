import { type Engine, exec, run } from './engine.js';

/** Containers and networks one suite started, removed in afterAll whatever happened. */
export class Containers {
  private readonly names: string[] = [];
  private readonly networks: string[] = [];

  constructor(private readonly engine: Engine) {}

  /**
   * `run -d`. --no-healthcheck: podman schedules health checks with systemd timers, which this machine
   * lacks; the suites run the image's check by hand (`healthcheck()`), which works everywhere.
   */
  start(name: string, args: string[], image: string, command: string[] = []): string {
    this.names.push(name);
    run([this.engine.name, 'run', '-d', '--name', name, '--no-healthcheck', ...args, image, ...command]);
    return name;
  }

  network(name: string): string {
    this.networks.push(name);
    run([this.engine.name, 'network', 'create', name]);
    return name;
  }

  exec(name: string, command: string[]) {
    return exec([this.engine.name, 'exec', name, ...command]);
  }

  logs(name: string): string {
    const r = exec([this.engine.name, 'logs', name]);
    return `${r.stdout}${r.stderr}`;
  }

  /** Runs the image's own HEALTHCHECK command inside the running container; true when healthy. */
  healthcheck(name: string, image: string): boolean {
    const test = JSON.parse(
      run([this.engine.name, 'image', 'inspect', '-f', '{{json .Config.Healthcheck.Test}}', image]),
    ) as string[];
    const [kind, ...rest] = test;
    const command = kind === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : rest;
    return this.exec(name, command).status === 0;
  }

  async cleanup(): Promise<void> {
    const timeout = this.engine.name === 'podman' ? ['-t', '2'] : [];
    for (const name of this.names.reverse()) exec([this.engine.name, 'rm', '-f', ...timeout, name]);
    for (const network of this.networks) exec([this.engine.name, 'network', 'rm', network]);
  }
}

/** The image's labels (OCI annotations). */
export function labels(engine: Engine, image: string): Record<string, string> {
  return JSON.parse(run([engine.name, 'image', 'inspect', '-f', '{{json .Config.Labels}}', image])) ?? {};
}
