// A debounced search box: set the text on every keystroke, results arrive ~120 ms
// after typing stops. Answers to an older text are dropped.

import * as api from '../api/backend';
import type { SearchResults } from '../api/types';
import { Store } from './store';

export const SEARCH_DEBOUNCE_MS = 120;

export interface SearchState {
  text: string;
  results: SearchResults | null;
  loading: boolean;
  error: string | null;
}

const initial: SearchState = { text: '', results: null, loading: false, error: null };

export class SearchStore extends Store<SearchState> {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #gen = 0;

  constructor(private readonly debounceMs = SEARCH_DEBOUNCE_MS) {
    super(initial);
  }

  setText(text: string): void {
    if (this.#timer) clearTimeout(this.#timer);
    const gen = ++this.#gen;
    if (text.trim() === '') {
      this.set({ text, results: null, loading: false, error: null });
      return;
    }
    // Results for another text are not shown: picking one would pick the wrong thing.
    this.set({ text, loading: true, results: null, error: null });
    this.#timer = setTimeout(() => void this.#run(text, gen), this.debounceMs);
  }

  async #run(text: string, gen: number): Promise<void> {
    try {
      const results = await api.search(text.trim());
      if (gen === this.#gen) this.set({ results, loading: false, error: null });
    } catch (e) {
      if (gen === this.#gen) this.set({ results: null, loading: false, error: api.errorMessage(e) });
    }
  }

  reset(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#gen++;
    this.set(initial);
  }
}
