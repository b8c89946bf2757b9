// The command palette's state: its search and which entry is highlighted. Whether it
// is open is the UI store's overlay.

import { SearchStore } from './search';
import { Store } from './store';

export interface PaletteState {
  selected: number;
}

export class PaletteStore extends Store<PaletteState> {
  readonly search = new SearchStore();

  constructor() {
    super({ selected: 0 });
  }

  setText(text: string): void {
    this.search.setText(text);
    this.set({ selected: 0 });
  }

  select(index: number): void {
    this.set({ selected: Math.max(0, index) });
  }

  reset(): void {
    this.search.reset();
    this.set({ selected: 0 });
  }
}
