// The work queue: "My cases" or the team queue, filtered, in the order the server
// returns (time to breach, then priority), loaded page by page.

import * as api from '../api/backend';
import type { CaseStatus, Channel, Priority, QueueCursor, QueueFilter, QueueRow } from '../api/types';
import { appendNew } from '../lib/pages';
import type { SessionStore } from './session';
import { Store } from './store';

export type QueueMode = 'mine' | 'team';

export interface QueueFilters {
  channel: Channel | '';
  priority: Priority | '';
  status: CaseStatus | '';
  queue: string;
}

export interface QueueState {
  mode: QueueMode;
  filters: QueueFilters;
  rows: QueueRow[];
  next: QueueCursor | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  selected: number;
  /** Set when the start screen fell back to the team queue because nothing is assigned to the agent. */
  notice: string | null;
}

export const NO_FILTERS: QueueFilters = { channel: '', priority: '', status: '', queue: '' };

export function toQueueFilter(mode: QueueMode, f: QueueFilters, user: string | null): QueueFilter {
  return {
    assignee: mode === 'mine' ? user : null,
    queues: f.queue ? [f.queue] : null,
    channels: f.channel ? [f.channel] : null,
    priorities: f.priority ? [f.priority] : null,
    statuses: f.status ? [f.status] : null,
  };
}

export class QueueStore extends Store<QueueState> {
  #gen = 0;
  /** Until the agent picks a view, an empty "My cases" shows the team queue instead. */
  #fallback = true;

  constructor(private readonly session: SessionStore) {
    super({
      mode: 'mine',
      filters: NO_FILTERS,
      rows: [],
      next: null,
      loading: false,
      loaded: false,
      error: null,
      selected: 0,
      notice: null,
    });
  }

  setMode(mode: QueueMode): void {
    this.#fallback = false;
    if (mode === this.state.mode && this.state.notice === null) return;
    this.set({ mode, selected: 0, notice: null });
    void this.reload();
  }

  setFilter<K extends keyof QueueFilters>(key: K, value: QueueFilters[K]): void {
    this.#fallback = false;
    this.set((s) => ({ filters: { ...s.filters, [key]: value }, selected: 0 }));
    void this.reload();
  }

  clearFilters(): void {
    this.set({ filters: NO_FILTERS, selected: 0 });
    void this.reload();
  }

  /** The first page again; keeps the selected case selected if it is still there. */
  async reload(): Promise<void> {
    const gen = ++this.#gen;
    const keep = this.selectedRow()?.case.id;
    this.set({ loading: true, error: null });
    try {
      const user = await this.session.user();
      const page = await api.queuePage(toQueueFilter(this.state.mode, this.state.filters, user), null);
      if (gen !== this.#gen) return;
      const fallback = this.#fallback;
      this.#fallback = false;
      if (fallback && this.state.mode === 'mine' && page.rows.length === 0 && page.next === null) {
        this.set({ mode: 'team', notice: `No active cases are assigned to ${user ?? 'you'}, so this is the team queue.` });
        return this.reload();
      }
      const idx = keep === undefined ? -1 : page.rows.findIndex((r) => r.case.id === keep);
      this.set({
        rows: page.rows,
        next: page.next,
        loading: false,
        loaded: true,
        selected: idx >= 0 ? idx : Math.min(this.state.selected, Math.max(0, page.rows.length - 1)),
      });
    } catch (e) {
      if (gen === this.#gen) this.set({ loading: false, loaded: true, error: api.errorMessage(e) });
    }
  }

  /**
   * The cache changed (a sync): the rows again, as many as were loaded (up to a few
   * pages), in place, so the list keeps its scroll and its selection.
   */
  async liveReload(): Promise<void> {
    if (!this.state.loaded) return;
    if (this.state.notice !== null) {
      // The team queue was only a stand-in for an empty "My cases": try it again, as
      // the agent's cases may just have arrived (the first sync).
      this.#fallback = true;
      this.set({ mode: 'mine', notice: null });
      return this.reload();
    }
    const gen = ++this.#gen;
    const keep = this.selectedRow()?.case.id;
    const want = Math.max(this.state.rows.length, 1);
    try {
      const user = await this.session.user();
      const filter = toQueueFilter(this.state.mode, this.state.filters, user);
      let page = await api.queuePage(filter, null);
      let rows = page.rows;
      for (let i = 0; i < 4 && rows.length < want && page.next; i++) {
        page = await api.queuePage(filter, page.next);
        rows = appendNew(rows, page.rows, (r) => r.case.id);
      }
      if (gen !== this.#gen) return;
      const idx = keep === undefined ? -1 : rows.findIndex((r) => r.case.id === keep);
      this.set({
        rows,
        next: page.next,
        loading: false,
        error: null,
        selected: idx >= 0 ? idx : Math.min(this.state.selected, Math.max(0, rows.length - 1)),
      });
    } catch (e) {
      if (gen === this.#gen) this.set({ loading: false, error: api.errorMessage(e) });
    }
  }

  /** Forgets everything (sign-in as someone else, sign-out). */
  reset(): void {
    this.#gen++;
    this.#fallback = true;
    this.set({ mode: 'mine', filters: NO_FILTERS, rows: [], next: null, loading: false, loaded: false, error: null, selected: 0, notice: null });
  }

  async loadMore(): Promise<void> {
    const { next, loading } = this.state;
    if (!next || loading) return;
    const gen = this.#gen;
    this.set({ loading: true });
    try {
      const user = await this.session.user();
      const page = await api.queuePage(toQueueFilter(this.state.mode, this.state.filters, user), next);
      if (gen !== this.#gen) return;
      this.set((s) => ({
        rows: appendNew(s.rows, page.rows, (r) => r.case.id),
        next: page.next,
        loading: false,
      }));
    } catch (e) {
      if (gen === this.#gen) this.set({ loading: false, error: api.errorMessage(e) });
    }
  }

  select(index: number): void {
    const n = this.state.rows.length;
    if (n === 0) return;
    this.set({ selected: Math.max(0, Math.min(n - 1, index)) });
  }

  move(delta: number): void {
    this.select(this.state.selected + delta);
    // Moving onto the last loaded rows fetches the next page.
    if (this.state.selected >= this.state.rows.length - 3) void this.loadMore();
  }

  selectedRow(): QueueRow | undefined {
    return this.state.rows[this.state.selected];
  }
}
