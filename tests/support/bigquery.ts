import { gzipSync } from 'node:zlib';
import { cartoPartition, type PartitionParams } from '@tilestack/bigquery';
import { addCartoTileset, type BigQueryStub } from '@tilestack/bigquery-stub';

/** Project billed in tests; never one of the data projects. */
export const BILLING_PROJECT = 'tilestack-tests';
export const TILESET_DATASET = 'carto-demo-data.demo_tilesets';

/** Partition parameters of the test tilesets: 40 partitions over zooms 0–6, a box at z6. */
export const TEST_PARTITIONS: PartitionParams = {
  partitions: 40,
  zmin: 0,
  zmax: 6,
  xmin: 10,
  xmax: 20,
  ymin: 20,
  ymax: 28,
};

/** Every tile of the partition box from zmin to zmax. */
export function boxTiles(p: PartitionParams = TEST_PARTITIONS): [z: number, x: number, y: number][] {
  const tiles: [number, number, number][] = [];
  for (let z = p.zmin; z <= p.zmax; z++) {
    const shift = p.zmax - z;
    for (let x = p.xmin >> shift; x <= p.xmax >> shift; x++) {
      for (let y = p.ymin >> shift; y <= p.ymax >> shift; y++) tiles.push([z, x, y]);
    }
  }
  return tiles;
}

/** Stand-in tile bytes: gzip, like CARTO's MVT tiles, and unique per tile. */
export function tileBytes(z: number, x: number, y: number): Buffer {
  return gzipSync(Buffer.from(`tile ${z}/${x}/${y}`));
}

interface TestTilesetOptions {
  tableId: string;
  /** Extra or replaced metadata keys; `carto_partition: undefined` removes the parameters. */
  metadata?: Record<string, unknown>;
  /** Stored partition of each tile; defaults to the real formula. */
  storedPartition?: (z: number, x: number, y: number) => number;
  numBytes?: number;
  metadataAs?: 'BYTES' | 'STRING';
}

/** Adds a CARTO tileset to the stub, rows partitioned by `cartoPartition` unless told otherwise. */
export function addTestTileset(stub: BigQueryStub, options: TestTilesetOptions): string {
  const [projectId = '', datasetId = ''] = TILESET_DATASET.split('.');
  const partitionOf = options.storedPartition ?? ((z, x, y) => cartoPartition(TEST_PARTITIONS, z, x, y));
  addCartoTileset(stub.model, {
    projectId,
    datasetId,
    tableId: options.tableId,
    numBytes: options.numBytes,
    metadataAs: options.metadataAs,
    partitions: TEST_PARTITIONS.partitions,
    metadata: {
      name: 'ignored',
      minzoom: 0,
      maxzoom: 6,
      bounds: '-123.75,21.94,-67.5,55.78',
      center: '-95.6,38.8,3',
      vector_layers: [
        { id: 'default', minzoom: 0, maxzoom: 6, fields: { height: 'Number', kind: 'String' } },
      ],
      carto_partition: TEST_PARTITIONS,
      ...options.metadata,
    },
    tiles: boxTiles().map(([z, x, y]) => ({
      z,
      x,
      y,
      carto_partition: partitionOf(z, x, y),
      data: tileBytes(z, x, y),
    })),
  });
  return `${TILESET_DATASET}.${options.tableId}`;
}
