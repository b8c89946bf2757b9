// The app's state, assembled: one instance per window (and one per test). Components
// reach it through ModelContext; stores never import React components.

import { CustomerStore } from './customer';
import * as api from '../api/backend';
import type { ChangedEvent } from '../api/types';
import { NavStore, type Route } from './nav';
import { NoticesStore } from './notices';
import { PaletteStore } from './palette';
import { PresenceStore } from './presence';
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
  notices: NoticesStore;
  presence: PresenceStore;
  /**
   * Loads what the first screen needs, starts the status poll and listens to sync
   * events; returns the stop function.
   */
  start(): () => void;
  signIn(server: string, username: string, password: string): Promise<boolean>;
  signOut(): Promise<void>;
  /** "Explore with demo data" from the sign-in screen. */
  exploreDemo(): Promise<void>;
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
  // Linking, and its undo from the toast on any screen, move touchpoints onto or off a
  // customer: the customer on screen reloads as well.
  const afterLinkChange = (): void => {
    afterMutation();
    if (nav.state.route.name === 'customer') void customer.refresh();
  };
  const unlinked = new UnlinkedStore(ui, afterLinkChange);
  const palette = new PaletteStore();
  const notices = new NoticesStore();
  const presence = new PresenceStore(() => session.signedIn);

  // Presence follows the case on screen: viewing it, or replying while the reply box has focus.
  const shownCase = (): number | null =>
    nav.state.route.name === 'customer' && !session.signedOut ? customer.state.selectedCaseId : null;
  let lastCase: number | null = null;
  const followCase = (): void => {
    const c = shownCase();
    if (c === lastCase) return;
    lastCase = c;
    presence.track(c, 'viewing');
    if (session.signedIn || c === null) void notices.loadCase(c);
  };
  customer.subscribe(followCase);
  nav.subscribe(followCase);

  /** A sync changed the cache: refresh what is on screen, in place. */
  const changed = (c: ChangedEvent): void => {
    void session.refreshStatus();
    const route = nav.state.route.name;
    if (queue.state.loaded) void queue.liveReload();
    if (route === 'unlinked' && unlinked.state.loaded) void unlinked.reload();
    const open = customer.state.customerId;
    if (route === 'customer' && open !== null) {
      const cases = customer.state.overview?.cases.map((x) => x.case.id) ?? [];
      if (c.everything || c.customers.includes(open) || c.cases.some((id) => cases.includes(id))) {
        void customer.liveRefresh();
      }
    }
  };

  /** After sign-in or sign-out: nothing of the previous account stays on screen. */
  const forget = (): void => {
    queue.reset();
    customer.close();
    notices.reset();
    presence.reset();
    lastCase = null;
    nav.reset();
  };

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
    notices,
    presence,
    start() {
      const stopPolling = session.startPolling();
      const stopEvents = api.onSyncEvents({
        status: (s) => session.setSync(s),
        changed,
        presence: (p) => presence.received(p.case_id, p.people),
        notices: () => void notices.load(),
        signedOut: (e) => {
          forget();
          session.signedOutByServer(e.message);
        },
      });
      void session.loadInfo().then((info) => {
        if (info && info.mode !== 'signed_out') void notices.load();
      });
      void session.loadReference();
      enter(nav.state.route, null);
      return () => {
        stopPolling();
        stopEvents();
      };
    },
    async signIn(server, username, password) {
      const ok = await session.signIn(server, username, password);
      if (ok) {
        forget(); // back to the queue, which loads the new account's cases
        void notices.load();
      }
      return ok;
    },
    async signOut() {
      presence.track(null);
      if (await session.signOut()) forget();
    },
    async exploreDemo() {
      if (await session.exploreDemo()) {
        forget();
        void notices.load();
      }
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
      if (customer.state.trafficCop) {
        customer.review();
        return true;
      }
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
