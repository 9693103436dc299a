import { parseArgs } from 'node:util';
import { parseTile } from './tiles.js';

const TILESET = 'carto-demo-data.demo_tilesets.osm_buildings';
const TABLE = 'carto-demo-data.demo_tables.retail_stores';

export const USAGE = `Usage: npm run smoke -- --base-url URL [options]

Checks a running tilestack through its public entry (the cache): tilejson, tile (decodes as MVT),
cache-hit (on a second request), geojson (the table), readyz (200 through the cache).

Options:
  --base-url URL      where to test (or SMOKE_BASE_URL), e.g. https://tiles.example.com
  --tileset ID        tileset (default ${TILESET})
  --table ID          GeoJSON table (default ${TABLE})
  --geom-field NAME   geometry column of the table (default geom)
  --tile z/x/y        a tile known to hold data (or SMOKE_TILE; default: TileJSON center at min(maxzoom, 14))
  --timeout-ms N      per request (default 15000)
  --retries N         extra attempts after a network error or 5xx, 2 s apart (default 0)
  --json              print a JSON summary on stdout instead of one line per check
  -h, --help`;

/** The command line (and SMOKE_BASE_URL, SMOKE_TILE); throws the message of a usage error. */
export function parseOptions(args: string[], env: NodeJS.ProcessEnv) {
  const { values } = parseArgs({
    args,
    options: {
      'base-url': { type: 'string', default: env.SMOKE_BASE_URL ?? '' },
      tileset: { type: 'string', default: TILESET },
      table: { type: 'string', default: TABLE },
      'geom-field': { type: 'string', default: 'geom' },
      tile: { type: 'string', default: env.SMOKE_TILE ?? '' },
      'timeout-ms': { type: 'string', default: '15000' },
      retries: { type: 'string', default: '0' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const count = (name: 'timeout-ms' | 'retries') => {
    if (/^\d+$/.test(values[name])) return Number(values[name]);
    throw new Error(`--${name} must be a non-negative integer, got "${values[name]}"`);
  };
  const baseUrl = values['base-url'];
  if (!baseUrl && !values.help) throw new Error('--base-url is required');
  const protocol = URL.canParse(baseUrl) ? new URL(baseUrl).protocol : '';
  if (baseUrl && !/^https?:$/.test(protocol)) throw new Error(`--base-url must be http(s), got "${baseUrl}"`);
  return {
    ...values,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    geomField: values['geom-field'],
    tile: values.tile ? parseTile(values.tile) : undefined,
    timeoutMs: count('timeout-ms') || 15_000,
    retries: count('retries'),
    retryDelayMs: 2000,
  };
}

export type SmokeOptions = ReturnType<typeof parseOptions>;
