import { CUSTOM_ID, type Environment, normalizeBaseUrl } from './environments.js';
import type { ViewerState } from './url-state.js';

export interface ControlElements {
  form: HTMLFormElement;
  env: HTMLSelectElement;
  apiBase: HTMLInputElement;
  tileset: HTMLInputElement;
  stores: HTMLInputElement;
}

export function controlElements(doc: Document): ControlElements {
  const get = <T extends HTMLElement>(id: string) => {
    const el = doc.getElementById(id);
    if (!el) throw new Error(`index.html lacks #${id}`);
    return el as T;
  };
  return {
    form: get('controls'),
    env: get('env'),
    apiBase: get('api-base'),
    tileset: get('tileset'),
    stores: get('stores'),
  };
}

/**
 * Fills the form from the state and reports each change as a new state. The custom base URL field is
 * shown only for the `custom` entry; a change applies on Enter or when the field loses focus.
 */
export function bindControls(
  el: ControlElements,
  environments: readonly Environment[],
  initial: ViewerState,
  onChange: (next: ViewerState) => void,
): void {
  let state = initial;
  el.form.addEventListener('submit', (event) => event.preventDefault()); // Enter applies, never navigates
  for (const e of environments) el.env.add(new Option(`${e.label} — ${e.baseUrl}`, e.id));
  el.env.add(new Option('custom base URL…', CUSTOM_ID));
  el.env.value = state.envId;
  el.apiBase.value = state.apiBase ?? '';
  el.tileset.value = state.tileset;
  el.stores.checked = state.stores;
  const showCustom = () => {
    el.apiBase.closest('label')?.toggleAttribute('hidden', el.env.value !== CUSTOM_ID);
  };
  showCustom();

  const emit = (patch: Partial<ViewerState>) => {
    state = { ...state, ...patch };
    onChange(state);
  };

  el.env.addEventListener('change', () => {
    showCustom();
    if (el.env.value !== CUSTOM_ID) return emit({ envId: el.env.value });
    el.apiBase.focus();
    const base = normalizeBaseUrl(el.apiBase.value);
    if (base) emit({ envId: CUSTOM_ID, apiBase: base });
  });
  el.apiBase.addEventListener('change', () => {
    const base = normalizeBaseUrl(el.apiBase.value);
    el.apiBase.setCustomValidity(base ? '' : 'an http(s) URL, e.g. https://tiles.example.com');
    el.apiBase.reportValidity();
    if (base && base !== state.apiBase) emit({ envId: CUSTOM_ID, apiBase: base });
  });
  el.tileset.addEventListener('change', () => {
    const tileset = el.tileset.value.trim();
    if (tileset && tileset !== state.tileset) emit({ tileset });
  });
  el.stores.addEventListener('change', () => emit({ stores: el.stores.checked }));
}
