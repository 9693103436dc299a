import type { FeatureCollection } from 'geojson';

/** The highest zoom any route or source serves (z above it is a 400): the one limit, shared with BigQuery metadata. */
export { MAX_ZOOM } from '@tilestack/bigquery/zoom';

/** TileJSON-relevant facts about one tileset, as read from its metadata. */
export interface TilesetInfo {
  id: string; // project.dataset.table
  name: string;
  description?: string;
  attribution?: string;
  minzoom: number;
  maxzoom: number;
  bounds: [west: number, south: number, east: number, north: number];
  center: [lon: number, lat: number, zoom: number];
  vector_layers: VectorLayer[];
  /** Opaque; changes whenever the content may have (table modified time, file identity); in tile URLs. */
  version: string;
}

export interface VectorLayer {
  id: string;
  fields: Record<string, string>;
  minzoom?: number;
  maxzoom?: number;
  description?: string;
}

export interface TableQuery {
  geomField: string; // the GEOGRAPHY column
  maxBytes: number; // past it the source throws `ResponseTooLargeError`
}

/** What the HTTP layer talks to (`mbtiles`, `bigquery`); errors are `../errors.ts` classes, never a driver's. */
export interface DataSource {
  readonly kind: 'mbtiles' | 'bigquery';
  /** Throws `NotFoundError` for unknown or not-allowed tilesets (same error for both). */
  getTileset(id: string): Promise<TilesetInfo>;
  /** Gzip-compressed MVT bytes, or `null` when the tileset has no tile at z/x/y. */
  getTile(id: string, z: number, x: number, y: number): Promise<Buffer | null>;
  /** The same read answered synchronously when it needs no I/O to wait for (local files). */
  tileNow?(
    ...tile: Parameters<DataSource['getTile']>
  ): { info: TilesetInfo; data: Buffer | null } | undefined;
  /** Every row of a table as GeoJSON; geometry from `geomField`, all other columns as properties. */
  getTable(id: string, query: TableQuery): Promise<FeatureCollection>;
  ping(): Promise<void>; // resolves when the source can serve (/readyz)
  close(): Promise<void>;
}

/** What a source reports about its upstream calls; the metrics plugin implements it. */
export interface SourceObserver {
  query(event: {
    kind: 'tileset' | 'tile' | 'table' | 'selfcheck' | 'ping';
    outcome: 'ok' | 'error';
    seconds: number;
    bytesBilled?: number; // BigQuery only
  }): void;
  /** A tileset is served without partition pruning (no parameters, or the self-check failed). */
  partitionFallback(tilesetId: string, reason: string): void;
  /** BIGQUERY_MAX_BYTES_BILLED refused a tile query of a tileset served without partition pruning. */
  fallbackRefused(tilesetId: string): void;
}
