import type { Readiness } from './readiness.js';
import type { TileStats, TileSummary } from './tile-stats.js';

const ms = (v: number | undefined) => (v === undefined ? '–' : `${Math.round(v)} ms`);
const seconds = (v: number | undefined) => (v === undefined ? '–' : `${v} s`);

/**
 * Writes the numbers into the `[data-stat]` cells of index.html. Updates are batched to one per frame:
 * a burst of 50 tiles must not cost 150 layouts.
 */
export class StatusPanel {
  private scheduled = false;
  private readonly cells = new Map<string, HTMLElement>();

  constructor(
    root: HTMLElement,
    private readonly stats: TileStats,
  ) {
    for (const cell of root.querySelectorAll<HTMLElement>('[data-stat]')) {
      this.cells.set(cell.dataset.stat ?? '', cell);
    }
  }

  readonly update = (): void => {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.renderTiles(this.stats.summary());
    });
  };

  showEnvironment(baseUrl: string): void {
    this.set('base', baseUrl);
  }

  showReadiness(r: Readiness): void {
    this.set('ready', r.detail ? `${r.state} (${r.detail})` : r.state, r.state.replace(' ', '-'));
  }

  /** A problem outside the tiles: TileJSON, the GeoJSON table. */
  showProblem(message: string): void {
    this.set('problem', message, message ? 'bad' : '');
  }

  private renderTiles(s: TileSummary): void {
    this.set('requested', `${s.requested}${s.inFlight > 0 ? ` (${s.inFlight} in flight)` : ''}`);
    this.set('hit', String(s.cache.HIT));
    this.set('miss', String(s.cache.MISS));
    // STALE (served while refreshing), PASS, SYNTH, and answers without X-Cache (no cache in front).
    const other = (['STALE', 'PASS', 'SYNTH'] as const)
      .filter((v) => s.cache[v] > 0)
      .map((v) => `${s.cache[v]} ${v}`);
    if (s.cache.none > 0) other.push(`${s.cache.none} without X-Cache`);
    this.set('other', other.join(' · ') || '0');
    this.set('age', seconds(s.medianAgeS));
    this.set('median', ms(s.medianMs));
    this.set('p95', ms(s.p95Ms));
    this.set('errors', String(s.errors), s.errors > 0 ? 'bad' : '');
    this.set('last-error', s.lastError ?? '');
  }

  private set(name: string, text: string, state?: string): void {
    const cell = this.cells.get(name);
    if (!cell) return;
    cell.textContent = text;
    if (state !== undefined) cell.dataset.state = state;
  }
}
