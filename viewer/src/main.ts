import {
  type GeoJSONSourceSpecification,
  Map as MapLibreMap,
  NavigationControl,
  setWorkerUrl,
} from 'maplibre-gl';
import { fetchJson, meteredUrl, registerMeteredProtocol, watchReadiness } from './network.js';
import { bindControls, renderStats, setStat } from './panel.js';
import { enableFeaturePopups } from './popup.js';
import { baseUrlOf, environments, readState, searchOf, type ViewerState } from './state.js';
import { BASE_STYLE, buildingLayers, INITIAL_VIEW, storesLayer } from './style.js';
import { TileStats } from './tile-stats.js';

const STORES = '/maps/table/carto-demo-data.demo_tables.retail_stores?geomField=geom&format=geojson';

// MapLibre's worker comes from our own origin (no CDN): the build puts it beside the bundle.
setWorkerUrl(new URL('./maplibre-gl-worker.mjs', import.meta.url).href);
const envs = environments(location.origin);
const stats = new TileStats();
registerMeteredProtocol(stats, () => renderStats(stats));

const map = new MapLibreMap({
  container: 'map',
  style: BASE_STYLE,
  ...INITIAL_VIEW,
  hash: true, // `#zoom/lat/lon/bearing/pitch`: a view can be shared and survives reloads
  attributionControl: { compact: true },
});
map.addControl(new NavigationControl({ visualizePitch: true }));
enableFeaturePopups(map, ['buildings-3d', 'buildings-flat', 'stores']);
/** The map (for tests and the console); `viewerReady`: the first view settled (or failed to load). */
const hooks = window as Window & { viewerMap?: MapLibreMap; viewerReady?: boolean };
hooks.viewerMap = map;

/** The layers first: MapLibre refuses to remove a source still in use. */
function remove(source: string, layers: readonly string[]): void {
  for (const id of layers) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(source)) map.removeSource(source);
}

async function showBuildings(base: string, tileset: string, current: () => boolean): Promise<void> {
  remove('buildings', ['buildings-flat', 'buildings-3d']);
  const url = `${base}/maps/tileset/${encodeURIComponent(tileset)}`;
  const tileJson = await fetchJson<{ tiles?: string[]; vector_layers?: { id: string }[] }>(url, 'TileJSON');
  if (!current()) return;
  if (!tileJson.tiles?.length) throw new Error(`TileJSON without tiles: ${url}`);
  // Its own tile URLs, only metered: the viewer shows what clients get, a wrong PUBLIC_BASE_URL included.
  map.addSource('buildings', { ...tileJson, type: 'vector', tiles: tileJson.tiles.map(meteredUrl) });
  const below = map.getLayer('stores') ? 'stores' : undefined; // points stay on top
  // CARTO tilesets have one layer, `default`: draw whatever the TileJSON names first.
  for (const layer of buildingLayers(tileJson.vector_layers?.[0]?.id ?? 'default'))
    map.addLayer(layer, below);
}

/** Fetched by the page rather than MapLibre's worker, so that a failure reaches the panel. */
async function showStores(base: string, visible: boolean, current: () => boolean): Promise<void> {
  remove('stores', ['stores']);
  if (!visible) return;
  const data = await fetchJson<GeoJSONSourceSpecification['data']>(`${base}${STORES}`, 'retail_stores');
  if (!current()) return;
  map.addSource('stores', { type: 'geojson', data });
  map.addLayer(storesLayer);
}

let generation = 0; // a newer selection makes the answers of an older one irrelevant
let stopReadiness = () => {};
let shown: ViewerState | undefined;

/** Applies a selection, reloading only what changed. Failures go to the status panel. */
async function show(next: ViewerState): Promise<void> {
  const mine = ++generation;
  const current = () => mine === generation;
  const base = baseUrlOf(next, envs);
  const previous = shown;
  shown = next;
  const newBase = !previous || baseUrlOf(previous, envs) !== base;
  if (newBase) {
    stopReadiness();
    stopReadiness = watchReadiness(base, (state, detail) =>
      setStat('ready', detail ? `${state} (${detail})` : state, state.replace(' ', '-')),
    );
    setStat('base', base);
  }
  const tasks: Promise<void>[] = [];
  if (newBase || previous.tileset !== next.tileset) {
    stats.reset(); // the numbers are per environment and tileset
    renderStats(stats);
    tasks.push(showBuildings(base, next.tileset, current));
  }
  if (newBase || previous.stores !== next.stores) tasks.push(showStores(base, next.stores, current));
  const problems = (await Promise.allSettled(tasks)).flatMap((r) =>
    r.status === 'rejected' ? [String(r.reason?.message ?? r.reason)] : [],
  );
  if (current()) setStat('problem', problems.join(' · '), problems.length ? 'bad' : '');
}

map.once('load', async () => {
  const initial = readState(location.search);
  bindControls(envs, initial, (next) => {
    // In place (no reload, no history entry), keeping MapLibre's `#view` hash: the URL stays shareable.
    history.replaceState(null, '', `${location.pathname}${searchOf(next)}${location.hash}`);
    void show(next);
  });
  await show(initial);
  await new Promise((resolve) => {
    map.once('idle', resolve);
    map.triggerRepaint(); // an idle map with nothing new to draw would never fire `idle` again
  });
  hooks.viewerReady = true;
});
