import { Map as MapLibreMap, NavigationControl } from 'maplibre-gl';
import { BUILDINGS_SOURCE, buildingLayers, EXTRUDED_LAYER, FLAT_LAYER } from './buildings-layers.js';
import { bindControls, controlElements } from './controls.js';
import { CUSTOM_ID, configuredEnvironments } from './environments.js';
import { BASE_STYLE, INITIAL_VIEW, removeSource, settled } from './map-setup.js';
import { registerMeteredProtocol } from './metered-protocol.js';
import { enableFeaturePopups } from './popup.js';
import { watchReadiness } from './readiness.js';
import { StatusPanel } from './status-panel.js';
import { loadStores, STORES_LAYER, STORES_SOURCE, storesLayer } from './stores-layer.js';
import { TileStats } from './tile-stats.js';
import { loadTileJson, sourceLayerOf, vectorSource } from './tilejson.js';
import { readState, searchOf, type ViewerState } from './url-state.js';

declare global {
  interface Window {
    /** The MapLibre map, for tests and for poking at it from the console. */
    viewerMap?: MapLibreMap;
    /** True once the first view has settled: its sources loaded and the map idle (or the load failed). */
    viewerReady?: boolean;
  }
}

const environments = configuredEnvironments(location.origin);
const stats = new TileStats();
const panel = new StatusPanel(document.getElementById('status') as HTMLElement, stats);
registerMeteredProtocol(stats, panel.update);

const map = new MapLibreMap({
  container: 'map',
  style: BASE_STYLE,
  ...INITIAL_VIEW,
  hash: true, // `#zoom/lat/lon/bearing/pitch`: a view can be shared and survives reloads
  attributionControl: { compact: true },
});
map.addControl(new NavigationControl({ visualizePitch: true }));
enableFeaturePopups(map, [EXTRUDED_LAYER, FLAT_LAYER, STORES_LAYER]);
window.viewerMap = map;

function baseUrlOf(state: ViewerState): string {
  if (state.envId === CUSTOM_ID && state.apiBase) return state.apiBase;
  return (environments.find((e) => e.id === state.envId) ?? environments[0])?.baseUrl ?? location.origin;
}

let generation = 0; // a newer selection makes the answers of an older one irrelevant
let stopReadiness = () => {};
let shown: ViewerState | undefined;

async function showBuildings(base: string, tileset: string, current: () => boolean): Promise<void> {
  removeSource(map, BUILDINGS_SOURCE, [FLAT_LAYER, EXTRUDED_LAYER]);
  const tileJson = await loadTileJson(base, tileset);
  if (!current()) return;
  map.addSource(BUILDINGS_SOURCE, vectorSource(tileJson));
  const below = map.getLayer(STORES_LAYER) ? STORES_LAYER : undefined; // points stay on top
  for (const layer of buildingLayers(sourceLayerOf(tileJson))) map.addLayer(layer, below);
}

async function showStores(base: string, visible: boolean, current: () => boolean): Promise<void> {
  removeSource(map, STORES_SOURCE, [STORES_LAYER]);
  if (!visible) return;
  const data = await loadStores(base);
  if (!current()) return;
  map.addSource(STORES_SOURCE, { type: 'geojson', data });
  map.addLayer(storesLayer);
}

/** Applies a selection, reloading only what changed. Failures go to the status panel. */
async function show(next: ViewerState): Promise<void> {
  const mine = ++generation;
  const current = () => mine === generation;
  const base = baseUrlOf(next);
  const previous = shown;
  shown = next;
  const newEnvironment = !previous || baseUrlOf(previous) !== base;
  if (newEnvironment) {
    stopReadiness();
    stopReadiness = watchReadiness(base, (r) => panel.showReadiness(r));
    panel.showEnvironment(base);
  }
  const tasks: Promise<void>[] = [];
  if (newEnvironment || previous.tileset !== next.tileset) {
    stats.reset(); // numbers are per environment and tileset
    panel.update();
    tasks.push(showBuildings(base, next.tileset, current));
  }
  if (newEnvironment || previous.stores !== next.stores) tasks.push(showStores(base, next.stores, current));
  const problems = (await Promise.allSettled(tasks))
    .flatMap((r) => (r.status === 'rejected' ? [String(r.reason?.message ?? r.reason)] : []))
    .join(' · ');
  if (current()) panel.showProblem(problems);
}

map.once('load', async () => {
  const initial = readState(location.search);
  bindControls(controlElements(document), environments, initial, (next) => {
    // In place (no reload, no history entry), keeping MapLibre's `#view` hash: the URL stays shareable.
    history.replaceState(null, '', `${location.pathname}${searchOf(next)}${location.hash}`);
    void show(next);
  });
  await show(initial);
  await settled(map);
  window.viewerReady = true;
});
