import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSampleData, SAMPLE_TABLE_ID, SAMPLE_TILESET_ID } from './generate.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: process.env.DATA_DIR ?? './data' },
    'if-missing': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`usage: sample-data [--dir DATA_DIR] [--if-missing]
Writes the synthetic ${SAMPLE_TILESET_ID} tileset (MBTiles) and ${SAMPLE_TABLE_ID} table (NDJSON).`);
  process.exit(0);
}

const dir = resolve(values.dir);
const files = [`${SAMPLE_TILESET_ID}.mbtiles`, `${SAMPLE_TABLE_ID}.ndjson`];
if (values['if-missing'] && files.every((f) => existsSync(join(dir, f)))) process.exit(0);

const started = performance.now();
const { tiles, rows } = generateSampleData(dir);
const ms = Math.round(performance.now() - started);
console.error(`sample data: ${tiles} tiles and ${rows} table rows written to ${dir} in ${ms} ms`);
