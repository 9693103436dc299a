import { CUSTOM, type Environment, normalizeBaseUrl, type ViewerState } from './state.js';
import type { TileStats } from './tile-stats.js';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Writes a `[data-stat]` cell of index.html; `state` colours it (viewer.css). */
export function setStat(name: string, text: string, state?: string): void {
  const cell = document.querySelector<HTMLElement>(`[data-stat="${name}"]`);
  if (!cell) return;
  cell.textContent = text;
  if (state !== undefined) cell.dataset.state = state;
}

let scheduled = false;
/** Renders the tile numbers at most once per frame: a burst of 50 tiles must not cost 150 layouts. */
export function renderStats(stats: TileStats): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    for (const [name, text] of Object.entries(stats.cells())) {
      setStat(name, text, name === 'errors' ? (text === '0' ? '' : 'bad') : undefined);
    }
  });
}

/** Fills the form and reports each change as a new state; the base URL field shows only for `custom`. */
export function bindControls(
  envs: readonly Environment[],
  initial: ViewerState,
  onChange: (next: ViewerState) => void,
): void {
  const [env, apiBase] = [byId<HTMLSelectElement>('env'), byId<HTMLInputElement>('api-base')];
  const [tileset, stores] = [byId<HTMLInputElement>('tileset'), byId<HTMLInputElement>('stores')];
  let state = initial;
  const emit = (patch: Partial<ViewerState>) => {
    state = { ...state, ...patch };
    onChange(state);
  };
  byId('controls').addEventListener('submit', (event) => event.preventDefault()); // Enter never navigates
  for (const e of envs) env.add(new Option(`${e.label} — ${e.baseUrl}`, e.id));
  env.add(new Option('custom base URL…', CUSTOM));
  env.value = state.envId;
  apiBase.value = state.apiBase ?? '';
  tileset.value = state.tileset;
  stores.checked = state.stores;
  const showCustom = () => apiBase.closest('label')?.toggleAttribute('hidden', env.value !== CUSTOM);
  showCustom();

  env.addEventListener('change', () => {
    showCustom();
    if (env.value !== CUSTOM) return emit({ envId: env.value });
    apiBase.focus();
    const base = normalizeBaseUrl(apiBase.value);
    if (base) emit({ envId: CUSTOM, apiBase: base });
  });
  apiBase.addEventListener('change', () => {
    const base = normalizeBaseUrl(apiBase.value);
    apiBase.setCustomValidity(base ? '' : 'an http(s) URL, e.g. https://tiles.example.com');
    apiBase.reportValidity();
    if (base && base !== state.apiBase) emit({ envId: CUSTOM, apiBase: base });
  });
  tileset.addEventListener('change', () => {
    const value = tileset.value.trim();
    if (value && value !== state.tileset) emit({ tileset: value });
  });
  stores.addEventListener('change', () => emit({ stores: stores.checked }));
}
