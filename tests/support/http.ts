import { type RequestOptions, request } from 'node:http';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text(): string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  json<T = any>(): T;
}

/** GET (or another method) without any transparent decompression: the bytes exactly as sent. */
export function httpGet(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
  options: RequestOptions = {}, // e.g. `localAddress`
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          text: () => body.toString('utf8'),
          json: () => JSON.parse(body.toString('utf8')),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Writes `text` as is on a new connection; resolves with everything read until the server closes it. */
export function rawHttp(url: string, text: string, timeoutMs = 5000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let reply = '';
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no close within ${timeoutMs} ms: ${reply}`)),
    );
    socket.on('data', (chunk) => {
      reply += chunk;
    });
    socket.on('end', () => resolve(reply)).on('error', reject);
  });
}
