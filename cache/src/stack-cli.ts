import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startStack } from './stack.js';

const { values } = parseArgs({
  options: {
    'api-port': { type: 'string', default: process.env.PORT ?? '3000' },
    'cache-port': { type: 'string', default: process.env.CACHE_PORT ?? '8080' },
    'api-instances': { type: 'string', default: '1' },
    'data-dir': { type: 'string', default: process.env.DATA_DIR ?? './data' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: npm run stack [-- --api-port 3000 --cache-port 8080 --api-instances 1 --data-dir ./data]
Starts the API on the sample data and varnishd (cache/default.vcl) in front of it. Ctrl-C stops both.`);
  process.exit(0);
}

const stack = await startStack({
  // npm runs workspace scripts from the workspace folder; paths are meant from where you typed the command.
  dataDir: resolve(process.env.INIT_CWD ?? process.cwd(), values['data-dir']),
  apiPort: Number(values['api-port']),
  cachePort: Number(values['cache-port']),
  apiInstances: Number(values['api-instances']),
});
console.log(`cache (varnishd): ${stack.cacheUrl}`);
for (const api of stack.apis) console.log(`api:              ${api.url}`);
console.log(
  `try:  curl -sI ${stack.cacheUrl}/maps/tileset/carto-demo-data.demo_tilesets.osm_buildings/14/8024/6177`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    console.log('\nstopping the cache and the API…');
    await stack.stop();
    process.exit(0);
  });
}
