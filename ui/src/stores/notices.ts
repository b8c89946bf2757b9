// Notices: what sync had to tell the agent in plain words ("Sam Patel resolved CS-12
// while you were offline; your reply was kept as an internal note."). A notice stays
// until the agent dismisses it: a reload only ever adds to the list.

import * as api from '../api/backend';
import type { Notice } from '../api/types';
import { Store } from './store';

export interface NoticesState {
  /** Undismissed notices, oldest first. */
  items: Notice[];
  /** Every notice about the case open in the case panel. */
  caseId: number | null;
  forCase: Notice[];
  error: string | null;
}

export class NoticesStore extends Store<NoticesState> {
  #caseGen = 0;

  constructor() {
    super({ items: [], caseId: null, forCase: [], error: null });
  }

  /** Fetches the unseen notices and adds the new ones; never drops one. */
  async load(): Promise<void> {
    try {
      const fresh = await api.notices(null);
      this.set((s) => {
        const known = new Set(s.items.map((n) => n.id));
        const added = fresh.filter((n) => !known.has(n.id));
        return added.length === 0 ? { error: null } : { items: [...s.items, ...added], error: null };
      });
      if (this.state.caseId !== null) await this.loadCase(this.state.caseId);
    } catch (e) {
      this.set({ error: api.errorMessage(e) });
    }
  }

  async loadCase(caseId: number | null): Promise<void> {
    const gen = ++this.#caseGen;
    if (caseId === null) {
      this.set({ caseId: null, forCase: [] });
      return;
    }
    if (caseId !== this.state.caseId) this.set({ caseId, forCase: [] });
    try {
      const forCase = await api.notices(caseId);
      if (gen === this.#caseGen) this.set({ forCase });
    } catch (e) {
      if (gen === this.#caseGen) this.set({ error: api.errorMessage(e) });
    }
  }

  async dismiss(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await api.dismissNotices(ids);
      const gone = new Set(ids);
      this.set((s) => ({
        items: s.items.filter((n) => !gone.has(n.id)),
        forCase: s.forCase.map((n) => (gone.has(n.id) ? { ...n, seen: true } : n)),
        error: null,
      }));
    } catch (e) {
      this.set({ error: api.errorMessage(e) });
    }
  }

  dismissAll(): Promise<void> {
    return this.dismiss(this.state.items.map((n) => n.id));
  }

  reset(): void {
    this.#caseGen++;
    this.set({ items: [], caseId: null, forCase: [], error: null });
  }
}
