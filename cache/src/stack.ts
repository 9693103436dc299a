import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSampleData, SAMPLE_TILESET_ID } from '@tilestack/api/sample-data';
import { freePort, ManagedProcess, waitForHttp } from './process.js';
import { startVarnish } from './varnish.js';

export { freePort, ManagedProcess, waitForHttp } from './process.js';
export { startVarnish, type Varnish } from './varnish.js';

export const API_SERVER = fileURLToPath(new URL('../../api/src/server.ts', import.meta.url));
export type ApiProcess = Awaited<ReturnType<typeof startApi>>;
export type Stack = Awaited<ReturnType<typeof startStack>>;

/** Starts the real API server (sources through tsx), behind one proxy, and waits until it is ready. */
export async function startApi(env: Record<string, string>, port?: number) {
  const listen = port ?? (await freePort());
  const api = ManagedProcess.start(`api:${listen}`, process.execPath, ['--import', 'tsx', API_SERVER], {
    PORT: String(listen),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TRUST_PROXY: '1', // exactly one proxy in front: the local varnishd
    ...env,
  });
  const url = `http://127.0.0.1:${listen}`;
  await api.readyOrExit(waitForHttp(`${url}/readyz`, 30_000));
  return { url, port: listen, process: api };
}

/** `apiInstances` API processes (production runs 5) on the sample data (written when missing), varnishd in front. */
export async function startStack(options: {
  dataDir: string;
  apiPort?: number;
  cachePort?: number;
  apiInstances?: number;
  apiEnv?: Record<string, string>;
}) {
  const dataDir = resolve(options.dataDir);
  if (!existsSync(join(dataDir, `${SAMPLE_TILESET_ID}.mbtiles`))) generateSampleData(dataDir);
  const apis: ApiProcess[] = [];
  const stopApis = () => Promise.all(apis.map((a) => a.process.stop()));
  try {
    for (let i = 0; i < (options.apiInstances ?? 1); i++) {
      apis.push(
        await startApi({ DATA_DIR: dataDir, ...options.apiEnv }, i === 0 ? options.apiPort : undefined),
      );
    }
    const varnish = await startVarnish({ backends: apis.map((a) => a.port), port: options.cachePort });
    return { cacheUrl: varnish.url, apis, varnish, stop: () => varnish.stop().then(stopApis) };
  } catch (error) {
    await stopApis();
    throw error;
  }
}
