// Who is signed in, whether we are online, what waits to sync, and the reference lists
// (closure codes, agents, queues) the pickers offer.

import * as api from '../api/backend';
import type { AppStatus, ReferenceData } from '../api/types';
import { Store } from './store';

export interface SessionState {
  status: AppStatus | null;
  statusError: string | null;
  reference: ReferenceData | null;
  referenceError: string | null;
}

export const STATUS_POLL_MS = 10_000;

export class SessionStore extends Store<SessionState> {
  #statusPromise: Promise<AppStatus | null> | null = null;

  constructor() {
    super({ status: null, statusError: null, reference: null, referenceError: null });
  }

  async refreshStatus(): Promise<AppStatus | null> {
    const p = api
      .appStatus()
      .then((status) => {
        this.set({ status, statusError: null });
        return status;
      })
      .catch((e: unknown) => {
        this.set({ statusError: api.errorMessage(e) });
        return this.state.status;
      });
    this.#statusPromise = p;
    return p;
  }

  /** The signed-in agent, fetching the status once if it is not known yet. */
  async user(): Promise<string | null> {
    if (this.state.status) return this.state.status.user;
    const s = await (this.#statusPromise ?? this.refreshStatus());
    return s?.user ?? null;
  }

  async loadReference(): Promise<void> {
    try {
      this.set({ reference: await api.referenceData(), referenceError: null });
    } catch (e) {
      this.set({ referenceError: api.errorMessage(e) });
    }
  }

  /** Refreshes the status now and every `ms`; returns the stop function. */
  startPolling(ms = STATUS_POLL_MS): () => void {
    void this.refreshStatus();
    const t = setInterval(() => void this.refreshStatus(), ms);
    return () => clearInterval(t);
  }
}
