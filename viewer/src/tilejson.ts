import type { VectorSourceSpecification } from 'maplibre-gl';
import { meteredUrl } from './metered-protocol.js';

/** The parts of the API's TileJSON 3.0 document the viewer uses. */
export interface TileJson {
  name?: string;
  tiles: string[];
  minzoom?: number;
  maxzoom?: number;
  bounds?: [number, number, number, number];
  attribution?: string;
  vector_layers?: Array<{ id: string }>;
}

export async function loadTileJson(baseUrl: string, tileset: string): Promise<TileJson> {
  const url = `${baseUrl}/maps/tileset/${encodeURIComponent(tileset)}`;
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-store' });
  } catch (error) {
    throw new Error(`TileJSON unreachable (${error instanceof Error ? error.message : error}): ${url}`);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(`TileJSON HTTP ${response.status}${body.message ? `: ${body.message}` : ''}`);
  }
  const json = (await response.json()) as TileJson;
  if (!Array.isArray(json.tiles) || json.tiles.length === 0)
    throw new Error(`TileJSON without tiles: ${url}`);
  return json;
}

/**
 * The tile URLs are the TileJSON's own (versioned `?v=`, absolute as the environment writes them), so
 * the viewer shows exactly what clients get — including a wrong PUBLIC_BASE_URL — only metered.
 */
export function vectorSource(tileJson: TileJson): VectorSourceSpecification {
  return {
    type: 'vector',
    tiles: tileJson.tiles.map(meteredUrl),
    ...(tileJson.minzoom !== undefined ? { minzoom: tileJson.minzoom } : {}),
    ...(tileJson.maxzoom !== undefined ? { maxzoom: tileJson.maxzoom } : {}),
    ...(tileJson.bounds ? { bounds: tileJson.bounds } : {}),
    ...(tileJson.attribution ? { attribution: tileJson.attribution } : {}),
  };
}

/** CARTO tilesets have one layer, `default`; take whatever the TileJSON names first. */
export function sourceLayerOf(tileJson: TileJson): string {
  return tileJson.vector_layers?.[0]?.id ?? 'default';
}
