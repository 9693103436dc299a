import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { type ApiProcess, startApi } from './api-process.js';
import { SAMPLE_DATA_CLI } from './paths.js';
import { startVarnish, type Varnish } from './varnish.js';

export interface StackOptions {
  /** Data directory of the API processes (sample data is created there when missing). */
  dataDir: string;
  apiPort?: number;
  cachePort?: number;
  /** How many API processes behind the cache (production runs 5). */
  apiInstances?: number;
  apiEnv?: Record<string, string>;
  cacheSize?: string;
}

export interface Stack {
  cacheUrl: string;
  apis: ApiProcess[];
  varnish: Varnish;
  stop(): Promise<void>;
}

export function ensureSampleData(dataDir: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', SAMPLE_DATA_CLI, '--if-missing', '--dir', dataDir], {
    stdio: 'inherit',
  });
}

/** API process(es) on the sample data with a real varnishd in front: the production topology, locally. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const dataDir = resolve(options.dataDir);
  ensureSampleData(dataDir);
  const env = { DATA_DIR: dataDir, ...options.apiEnv };
  const apis: ApiProcess[] = [];
  try {
    for (let i = 0; i < (options.apiInstances ?? 1); i++) {
      apis.push(await startApi(env, i === 0 ? options.apiPort : undefined));
    }
    const varnish = await startVarnish({
      backends: apis.map((a) => ({ host: '127.0.0.1', port: a.port })),
      port: options.cachePort,
      size: options.cacheSize,
    });
    return {
      cacheUrl: varnish.url,
      apis,
      varnish,
      stop: async () => {
        await varnish.stop();
        await Promise.all(apis.map((a) => a.process.stop()));
      },
    };
  } catch (error) {
    await Promise.all(apis.map((a) => a.process.stop()));
    throw error;
  }
}
