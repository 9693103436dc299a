import { API_SERVER } from './paths.js';
import { freePort, waitForHttp } from './ports.js';
import { ManagedProcess } from './process.js';

export interface ApiProcess {
  url: string;
  port: number;
  process: ManagedProcess;
}

/** Starts the real API server (TypeScript sources through tsx), behind one proxy, and waits until it is ready. */
export async function startApi(env: Record<string, string>, port?: number): Promise<ApiProcess> {
  const listenPort = port ?? (await freePort());
  const process_ = ManagedProcess.start(
    `api:${listenPort}`,
    process.execPath,
    ['--import', 'tsx', API_SERVER],
    {
      PORT: String(listenPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '1', // exactly one proxy in front: the local varnishd
      ...env,
    },
  );
  const url = `http://127.0.0.1:${listenPort}`;
  await process_.readyOrExit(waitForHttp(`${url}/readyz`, 30_000));
  return { url, port: listenPort, process: process_ };
}
