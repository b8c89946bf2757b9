// Touchpoints whose identity matched no customer. An agent links each one by hand (we
// never auto-link) or creates a customer from it; both can be undone from the toast.

import * as api from '../api/backend';
import type { CustomerHit, Identity, Touchpoint, UnlinkedCursor } from '../api/types';
import { describeIdentity, identityValue } from '../lib/format';
import { appendNew } from '../lib/pages';
import { SearchStore } from './search';
import { Store } from './store';
import type { UiStore } from './ui';

export interface UnlinkedDialog {
  kind: 'link' | 'create';
  item: Touchpoint;
}

export interface UnlinkedState {
  items: Touchpoint[];
  next: UnlinkedCursor | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  selected: number;
  dialog: UnlinkedDialog | null;
  dialogError: string | null;
  busy: boolean;
}

/** Newest first, as the server lists them. */
function newestFirst(a: Touchpoint, b: Touchpoint): number {
  const d = Date.parse(b.occurred_at) - Date.parse(a.occurred_at);
  return d !== 0 ? d : b.id - a.id;
}

/** "@ann_lee_77", "+447700900123", "web account w0": short, but never a bare number. */
export function who(id: Identity | null): string {
  if (!id) return 'this contact';
  return id.kind === 'branch_customer_no' || id.kind === 'web_account_id' ? describeIdentity(id) : identityValue(id);
}

export class UnlinkedStore extends Store<UnlinkedState> {
  readonly search = new SearchStore();
  #gen = 0;

  constructor(
    private readonly ui: UiStore,
    private readonly afterMutation: () => void,
  ) {
    super({
      items: [],
      next: null,
      loading: false,
      loaded: false,
      error: null,
      selected: 0,
      dialog: null,
      dialogError: null,
      busy: false,
    });
  }

  async reload(): Promise<void> {
    const gen = ++this.#gen;
    this.set({ loading: true, error: null });
    try {
      const page = await api.unlinkedPage(null);
      if (gen !== this.#gen) return;
      this.set((s) => ({
        items: page.items,
        next: page.next,
        loading: false,
        loaded: true,
        selected: Math.min(s.selected, Math.max(0, page.items.length - 1)),
      }));
    } catch (e) {
      if (gen === this.#gen) this.set({ loading: false, loaded: true, error: api.errorMessage(e) });
    }
  }

  async loadMore(): Promise<void> {
    const { next, loading } = this.state;
    if (!next || loading) return;
    const gen = this.#gen;
    this.set({ loading: true });
    try {
      const page = await api.unlinkedPage(next);
      if (gen !== this.#gen) return;
      this.set((s) => ({
        items: appendNew(s.items, page.items, (i) => i.id),
        next: page.next,
        loading: false,
      }));
    } catch (e) {
      if (gen === this.#gen) this.set({ loading: false, error: api.errorMessage(e) });
    }
  }

  select(index: number): void {
    const n = this.state.items.length;
    if (n > 0) this.set({ selected: Math.max(0, Math.min(n - 1, index)) });
  }

  move(delta: number): void {
    this.select(this.state.selected + delta);
    if (this.state.selected >= this.state.items.length - 3) void this.loadMore();
  }

  selectedItem(): Touchpoint | undefined {
    return this.state.items[this.state.selected];
  }

  openDialog(kind: UnlinkedDialog['kind'], item: Touchpoint): void {
    this.search.reset();
    this.set({ dialog: { kind, item }, dialogError: null });
  }

  closeDialog(): void {
    this.search.reset();
    this.set({ dialog: null, dialogError: null, busy: false });
  }

  /** Links the open dialog's touchpoint (and the others from the same identity) to `customer`. */
  async link(customer: CustomerHit): Promise<void> {
    const item = this.state.dialog?.item;
    if (!item || this.state.busy) return;
    this.set({ busy: true, dialogError: null });
    try {
      const applied = await api.applyMutation({ type: 'link_identity', touchpoint_id: item.id, customer_id: customer.id });
      this.#taken(item, applied.touchpoints, applied.customer_id ?? customer.id, `Linked ${who(item.identity)} to ${customer.name}`);
    } catch (e) {
      this.set({ busy: false, dialogError: api.errorMessage(e) });
    }
  }

  /** Creates a customer called `name` from the open dialog's touchpoint. */
  async createCustomer(name: string): Promise<void> {
    const item = this.state.dialog?.item;
    if (!item || this.state.busy) return;
    const n = name.trim();
    if (n === '') {
      this.set({ dialogError: "Enter the customer's name" });
      return;
    }
    this.set({ busy: true, dialogError: null });
    try {
      const applied = await api.applyMutation({ type: 'create_customer', touchpoint_id: item.id, name: n });
      if (applied.customer_id === null) throw new Error('The customer was not created. Try again.');
      this.#taken(item, applied.touchpoints, applied.customer_id, `Created ${n} from ${who(item.identity)}`);
    } catch (e) {
      this.set({ busy: false, dialogError: api.errorMessage(e) });
    }
  }

  /** Takes the linked touchpoints off the list and offers Undo. */
  #taken(item: Touchpoint, touchpoints: number[], customerId: number, text: string): void {
    const ids = new Set([item.id, ...touchpoints]);
    const removed = this.state.items.filter((i) => ids.has(i.id));
    if (!removed.some((i) => i.id === item.id)) removed.push(item);
    this.search.reset();
    this.set((s) => {
      const items = s.items.filter((i) => !ids.has(i.id));
      return {
        items,
        selected: Math.max(0, Math.min(s.selected, items.length - 1)),
        dialog: null,
        dialogError: null,
        busy: false,
      };
    });
    this.afterMutation();
    const identity = item.identity;
    this.ui.showToast(
      text,
      identity ? { action: { label: 'Undo', run: () => this.undo(identity, customerId, removed) } } : {},
    );
  }

  /** Takes the identity back from the customer and puts its touchpoints back on the list. */
  async undo(identity: Identity, customerId: number, restore: Touchpoint[]): Promise<void> {
    try {
      await api.applyMutation({ type: 'unlink_identity', identity, customer_id: customerId });
      this.set((s) => {
        const have = new Set(s.items.map((i) => i.id));
        const items = [...s.items, ...restore.filter((i) => !have.has(i.id))].sort(newestFirst);
        const first = restore[0];
        const at = first ? items.findIndex((i) => i.id === first.id) : -1;
        return { items, selected: at >= 0 ? at : s.selected };
      });
      this.afterMutation();
      this.ui.showToast(`Unlinked ${who(identity)}`);
    } catch (e) {
      this.ui.showToast(`Undo failed: ${api.errorMessage(e)}`, { tone: 'error' });
    }
  }
}
