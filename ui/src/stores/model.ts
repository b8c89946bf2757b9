// The app's state, assembled: one instance per window (and one per test). Components
// reach it through ModelContext; stores never import React components.

import { CustomerStore } from './customer';
import { NavStore, type Route } from './nav';
import { PaletteStore } from './palette';
import { QueueStore } from './queue';
import { SessionStore } from './session';
import { UiStore } from './ui';
import { UnlinkedStore } from './unlinked';

export interface Model {
  session: SessionStore;
  nav: NavStore;
  ui: UiStore;
  queue: QueueStore;
  customer: CustomerStore;
  unlinked: UnlinkedStore;
  palette: PaletteStore;
  /** Loads what the first screen needs and starts the status poll; returns the stop function. */
  start(): () => void;
  openCustomer(customerId: number, caseId?: number | null): void;
  goQueue(): void;
  goUnlinked(): void;
  /** Closes the topmost overlay, dialog or form; false when nothing was open. */
  dismiss(): boolean;
}

export function createModel(): Model {
  const session = new SessionStore();
  const nav = new NavStore();
  const ui = new UiStore();
  const queue = new QueueStore(session);

  // Every mutation: the status bar (pending count) and the queue catch up.
  const afterMutation = (): void => {
    void session.refreshStatus();
    if (queue.state.loaded) void queue.reload();
  };
  const customer = new CustomerStore(afterMutation);
  const unlinked = new UnlinkedStore(ui, afterMutation);
  const palette = new PaletteStore();

  const enter = (route: Route, prev: Route | null): void => {
    switch (route.name) {
      case 'queue':
        void queue.reload();
        break;
      case 'unlinked':
        void unlinked.reload();
        break;
      case 'customer': {
        const same = prev?.name === 'customer' && prev.customerId === route.customerId;
        void customer.open(route.customerId, route.caseId, !same);
        break;
      }
    }
  };

  let current: Route = nav.state.route;
  nav.subscribe(() => {
    const next = nav.state.route;
    if (next === current) return;
    const prev = current;
    current = next;
    enter(next, prev);
  });

  return {
    session,
    nav,
    ui,
    queue,
    customer,
    unlinked,
    palette,
    start() {
      const stop = session.startPolling();
      void session.loadReference();
      enter(nav.state.route, null);
      return stop;
    },
    openCustomer(customerId, caseId = null) {
      nav.go({ name: 'customer', customerId, caseId });
    },
    goQueue() {
      nav.go({ name: 'queue' });
    },
    goUnlinked() {
      nav.go({ name: 'unlinked' });
    },
    dismiss() {
      if (ui.state.overlay) {
        if (ui.state.overlay === 'palette') palette.reset();
        ui.close();
        return true;
      }
      if (unlinked.state.dialog) {
        unlinked.closeDialog();
        return true;
      }
      if (nav.state.route.name === 'customer' && customer.state.form) {
        customer.openForm(null);
        return true;
      }
      return false;
    },
  };
}
