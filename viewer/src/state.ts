import config from './environments.json' with { type: 'json' };

export const CUSTOM = 'custom';
export const DEFAULT_TILESET = 'carto-demo-data.demo_tilesets.osm_buildings';

/** `baseUrl`: absolute, without a trailing slash, e.g. `https://tiles.dev.example.com`. */
export type Environment = { id: string; label: string; baseUrl: string };

/** What the page shows, in the query string (the view is in the hash); `custom` with `apiBase` is `?api=`. */
export type ViewerState = { envId: string; apiBase?: string; tileset: string; stores: boolean };

/** `http(s)://host[:port][/path]` without a trailing slash, or undefined when it is not such a URL. */
export function normalizeBaseUrl(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    return /^https?:$/.test(url.protocol) ? `${url.origin}${url.pathname}`.replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}

/** The configured environments; `local` (empty there) is whoever served this page: the API or the cache. */
export function environments(pageOrigin: string): Environment[] {
  return config.environments.map((e) => ({ ...e, baseUrl: e.baseUrl || pageOrigin }));
}

export function baseUrlOf(state: ViewerState, envs: readonly Environment[]): string {
  if (state.envId === CUSTOM && state.apiBase) return state.apiBase;
  return (envs.find((e) => e.id === state.envId) ?? envs[0])?.baseUrl ?? '';
}

export function readState(search: string): ViewerState {
  const params = new URLSearchParams(search);
  const apiBase = normalizeBaseUrl(params.get('api') ?? '');
  return {
    envId: apiBase ? CUSTOM : (params.get('env') ?? 'local'),
    ...(apiBase ? { apiBase } : {}),
    tileset: params.get('tileset')?.trim() || DEFAULT_TILESET,
    stores: params.get('stores') === '1',
  };
}

/** The query string of a state (`?…`, or empty when everything is default). */
export function searchOf(state: ViewerState): string {
  const params = new URLSearchParams();
  if (state.envId === CUSTOM && state.apiBase) params.set('api', state.apiBase);
  else if (state.envId !== 'local') params.set('env', state.envId);
  if (state.tileset !== DEFAULT_TILESET) params.set('tileset', state.tileset);
  if (state.stores) params.set('stores', '1');
  const query = params.toString();
  return query ? `?${query}` : '';
}
