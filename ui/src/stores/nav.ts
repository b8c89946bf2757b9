// Where the agent is. A small history so "Back" returns from a customer to the list
// they came from.

import { Store } from './store';

export type Route =
  | { name: 'queue' }
  | { name: 'unlinked' }
  | { name: 'customer'; customerId: number; caseId: number | null };

export interface NavState {
  route: Route;
  history: Route[];
}

export class NavStore extends Store<NavState> {
  constructor() {
    super({ route: { name: 'queue' }, history: [] });
  }

  go(route: Route): void {
    const cur = this.state.route;
    if (JSON.stringify(cur) === JSON.stringify(route)) return;
    this.set((s) => ({ route, history: [...s.history, cur].slice(-50) }));
  }

  /** Back to the queue with no history (after sign-in or sign-out). */
  reset(): void {
    this.set({ route: { name: 'queue' }, history: [] });
  }

  back(): void {
    const h = this.state.history;
    const prev = h[h.length - 1];
    if (!prev) {
      if (this.state.route.name !== 'queue') this.set({ route: { name: 'queue' } });
      return;
    }
    this.set({ route: prev, history: h.slice(0, -1) });
  }
}
