import type { FeatureCollection } from 'geojson';

/** The highest zoom level any route or source serves (z/x/y with z above it are 400). */
export const MAX_ZOOM = 24;

/** TileJSON-relevant facts about one tileset, as read from its metadata. */
export interface TilesetInfo {
  /** Fully qualified id, e.g. `carto-demo-data.demo_tilesets.osm_buildings`. */
  id: string;
  name: string;
  description?: string;
  attribution?: string;
  minzoom: number;
  maxzoom: number;
  /** [west, south, east, north] in degrees. */
  bounds: [number, number, number, number];
  /** [lon, lat, zoom]. */
  center: [number, number, number];
  vector_layers: VectorLayer[];
  /**
   * Opaque data version: changes whenever the tileset's content may have changed (BigQuery table
   * last-modified time, MBTiles file identity). Goes into versioned tile URLs.
   */
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
  /** Column holding the geometry (GEOGRAPHY in BigQuery). */
  geomField: string;
  /** Stop and throw `ResponseTooLargeError` once the serialized collection would exceed this many bytes. */
  maxBytes: number;
}

/**
 * The one interface the HTTP layer talks to. Implementations: `mbtiles` (local, default) and
 * `bigquery` (production). Errors are thrown as the classes in `../errors.ts`, never raw driver errors.
 */
export interface DataSource {
  readonly kind: 'mbtiles' | 'bigquery';
  /** Throws `NotFoundError` for unknown or not-allowed tilesets (same error for both). */
  getTileset(id: string): Promise<TilesetInfo>;
  /** Gzip-compressed MVT bytes, or `null` when the tileset has no tile at z/x/y. */
  getTile(id: string, z: number, x: number, y: number): Promise<Buffer | null>;
  /** The same read answered synchronously, when it needs no I/O to wait for (local files); else `undefined`. */
  tileNow?(
    id: string,
    z: number,
    x: number,
    y: number,
  ): { info: TilesetInfo; data: Buffer | null } | undefined;
  /** Every row of a table as GeoJSON; geometry from `geomField`, all other columns as properties. */
  getTable(id: string, query: TableQuery): Promise<FeatureCollection>;
  /** Resolves when the source can serve requests (used by /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What a source reports about its upstream calls; the metrics plugin implements it. */
export interface SourceObserver {
  query(event: {
    kind: 'tileset' | 'tile' | 'table' | 'selfcheck' | 'ping';
    outcome: 'ok' | 'error';
    seconds: number;
    /** BigQuery only: bytes billed by this query (0 for cache hits and metadata calls). */
    bytesBilled?: number;
  }): void;
  /** A tileset is served without partition pruning (no parameters, or the self-check failed). */
  partitionFallback(tilesetId: string, reason: string): void;
  /** BIGQUERY_MAX_BYTES_BILLED refused a tile query of a tileset served without partition pruning. */
  fallbackRefused(tilesetId: string): void;
}

export const noopObserver: SourceObserver = {
  query: () => {},
  partitionFallback: () => {},
  fallbackRefused: () => {},
};
