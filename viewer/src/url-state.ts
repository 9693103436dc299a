import { CUSTOM_ID, normalizeBaseUrl } from './environments.js';

export const DEFAULT_TILESET = 'carto-demo-data.demo_tilesets.osm_buildings';

/** What the page shows, kept in the query string so a URL can be shared (the view lives in the hash). */
export interface ViewerState {
  /** `local`, `dev`, …, or `custom` when `api` is set. */
  envId: string;
  /** `?api=<base url>`: any environment, overriding `env`. */
  apiBase?: string;
  tileset: string;
  stores: boolean;
}

export function readState(search: string): ViewerState {
  const params = new URLSearchParams(search);
  const apiBase = normalizeBaseUrl(params.get('api') ?? '');
  return {
    envId: apiBase ? CUSTOM_ID : (params.get('env') ?? 'local'),
    ...(apiBase ? { apiBase } : {}),
    tileset: params.get('tileset')?.trim() || DEFAULT_TILESET,
    stores: params.get('stores') === '1',
  };
}

/** The query string for a state (`?…`, or empty when everything is default). */
export function searchOf(state: ViewerState): string {
  const params = new URLSearchParams();
  if (state.envId === CUSTOM_ID && state.apiBase) params.set('api', state.apiBase);
  else if (state.envId !== 'local') params.set('env', state.envId);
  if (state.tileset !== DEFAULT_TILESET) params.set('tileset', state.tileset);
  if (state.stores) params.set('stores', '1');
  const query = params.toString();
  return query ? `?${query}` : '';
}
