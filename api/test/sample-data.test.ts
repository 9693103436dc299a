import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTile } from '@tilestack/test-support';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../src/sources/mbtiles/sqlite.js';
import { OSM, STORES, sampleDataDir } from './support/sample-data.js';

function tiles(dir: string) {
  const db = openSqlite(join(dir, `${OSM}.mbtiles`), { readonly: true });
  const sql = 'SELECT zoom_level z, tile_column x, tile_row y, tile_data d FROM tiles ORDER BY 1, 2, 3';
  const rows = db.prepare(sql).all() as { z: number; x: number; y: number; d: Buffer }[];
  const metadata = db.prepare('SELECT name, value FROM metadata').all();
  db.close();
  return { rows, metadata: Object.fromEntries(metadata.map((r) => [r.name, String(r.value)])) };
}

describe('sample data generator', () => {
  it('writes an MBTiles 1.3 vector tileset for zooms 0–16', () => {
    const { rows, metadata } = tiles(sampleDataDir());
    // The 5 km city is under one pixel below z5, so those zooms have no rows (their tiles answer 204).
    expect(new Set(rows.map((r) => r.z))).toEqual(new Set(Array.from({ length: 12 }, (_, i) => i + 5)));
    expect(metadata).toMatchObject({ format: 'pbf', minzoom: '0', maxzoom: '16' }); // the rest: TileJSON's test
  });

  it('holds only valid polygons (MVT 2.1 §4.3.4.4): ≥ 2 LineTo per ring, exterior rings of positive area', () => {
    const invalid: string[] = [];
    let rings = 0;
    for (const { z, x, y, d } of tiles(sampleDataDir()).rows) {
      const layer = decodeTile(d).layers.default;
      for (let i = 0; i < (layer?.length ?? 0); i++) {
        const feature = layer?.feature(i);
        if (feature?.type !== 3) continue;
        feature.loadGeometry().forEach((ring, r) => {
          rings++;
          // The decoder closes each ring with a copy of its first point: MoveTo + LineTos + that copy.
          const area = ring.reduce((sum, a, p) => {
            const b = ring[(p + 1) % ring.length] ?? a;
            return sum + (a.x * b.y - b.x * a.y) / 2;
          }, 0);
          if (ring.length - 2 < 2 || (r === 0 ? area <= 0 : area === 0))
            invalid.push(`${z}/${x}/${y} feature ${i} ring ${r}: ${ring.length - 2} LineTo, area ${area}`);
        });
      }
    }
    expect(rings).toBeGreaterThan(10_000);
    expect(invalid).toEqual([]);
  });

  // GDAL's MVT driver as an outside oracle (`.ci/run` installs gdal-bin; skipped where it is missing).
  it.skipIf(spawnSync('ogrinfo', ['--version']).status !== 0)(
    'GDAL finds every polygon valid at every zoom',
    () => {
      const file = join(sampleDataDir(), `${OSM}.mbtiles`);
      for (let z = 5; z <= 16; z++) {
        const sql = 'SELECT count(*) AS n, sum(ST_IsValid(geometry)) AS ok FROM "default"';
        const args = ['-ro', '-q', '-oo', `ZOOM_LEVEL=${z}`, file, '-dialect', 'SQLite', '-sql', sql];
        const [n = 0, ok] = [...execFileSync('ogrinfo', args, { encoding: 'utf8' }).matchAll(/= (\d+)/g)].map(
          (m) => Number(m[1]),
        );
        expect(n).toBeGreaterThan(0);
        expect({ z, ok }).toEqual({ z, ok: n });
      }
    },
  );

  it('is deterministic: two runs produce identical tiles and rows', () => {
    const a = sampleDataDir();
    const b = sampleDataDir();
    expect(tiles(a).rows).toEqual(tiles(b).rows);
    expect(readFileSync(join(a, `${STORES}.ndjson`))).toEqual(readFileSync(join(b, `${STORES}.ndjson`)));
  }, 30_000);
});
