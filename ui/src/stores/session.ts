// Who is signed in (demo, signed in to a server, or signed out), whether we are online,
// what waits to sync, and the reference lists (closure codes, agents, queues) the
// pickers offer.

import * as api from '../api/backend';
import type { AppStatus, ReferenceData, ServerCheck, SessionInfo, SyncStatus } from '../api/types';
import { Store } from './store';

export interface SessionState {
  /** Null until the first answer: the app shows its shell meanwhile (demo-first). */
  info: SessionInfo | null;
  status: AppStatus | null;
  statusError: string | null;
  /** The sync engine's status; null in demo mode or before the first report. */
  sync: SyncStatus | null;
  reference: ReferenceData | null;
  referenceError: string | null;
  signInBusy: boolean;
  signInError: string | null;
  signOutBusy: boolean;
  /** The server the sign-in screen checked and will sign in to (step two). */
  checked: ServerCheck | null;
  checkBusy: boolean;
}

export const STATUS_POLL_MS = 10_000;

export class SessionStore extends Store<SessionState> {
  #statusPromise: Promise<AppStatus | null> | null = null;

  constructor() {
    super({
      info: null,
      status: null,
      statusError: null,
      sync: null,
      reference: null,
      referenceError: null,
      signInBusy: false,
      signInError: null,
      signOutBusy: false,
      checked: null,
      checkBusy: false,
    });
  }

  get signedIn(): boolean {
    return this.state.info?.mode === 'signed_in';
  }

  get signedOut(): boolean {
    return this.state.info?.mode === 'signed_out';
  }

  async loadInfo(): Promise<SessionInfo | null> {
    try {
      const info = await api.sessionInfo();
      this.set({ info });
      if (info.mode === 'signed_in') void this.refreshSync();
      return info;
    } catch (e) {
      this.set({ statusError: api.errorMessage(e) });
      return this.state.info;
    }
  }

  /** Step one of signing in: does the address answer as a Tideline server? */
  async checkServer(server: string): Promise<boolean> {
    if (this.state.checkBusy) return false;
    if (server.trim() === '') {
      this.set({ signInError: 'Enter the server address your IT team gave you' });
      return false;
    }
    this.set({ checkBusy: true, signInError: null });
    try {
      const checked = await api.checkServer(server.trim());
      this.set({ checked, checkBusy: false });
      return true;
    } catch (e) {
      this.set({ checkBusy: false, signInError: api.errorMessage(e) });
      return false;
    }
  }

  /** Back to step one, to type another server. */
  changeServer(): void {
    this.set({ checked: null, signInError: null });
  }

  async exploreDemo(): Promise<boolean> {
    try {
      const info = await api.exploreDemo();
      this.set({ info, signInError: null, status: null, sync: null, reference: null });
      void this.refreshStatus();
      void this.loadReference();
      return true;
    } catch (e) {
      this.set({ signInError: api.errorMessage(e) });
      return false;
    }
  }

  /** Signs in; resolves to whether it worked. The error shows on the sign-in screen. */
  async signIn(server: string, username: string, password: string): Promise<boolean> {
    if (this.state.signInBusy) return false;
    const problem =
      server.trim() === ''
        ? 'Enter the server address'
        : username.trim() === ''
          ? 'Enter your username'
          : password === ''
            ? 'Enter your password'
            : null;
    if (problem) {
      this.set({ signInError: problem });
      return false;
    }
    this.set({ signInBusy: true, signInError: null });
    try {
      const info = await api.signIn(server.trim(), username.trim(), password);
      this.set({ info, signInBusy: false, status: null, sync: null, reference: null });
      void this.refreshStatus();
      void this.refreshSync();
      void this.loadReference();
      return true;
    } catch (e) {
      this.set({ signInBusy: false, signInError: api.errorMessage(e) });
      return false;
    }
  }

  async signOut(): Promise<boolean> {
    if (this.state.signOutBusy) return false;
    this.set({ signOutBusy: true });
    try {
      const info = await api.signOut();
      this.set({ info, signOutBusy: false, status: null, sync: null, signInError: null });
      return true;
    } catch (e) {
      this.set({ signOutBusy: false, statusError: api.errorMessage(e) });
      return false;
    }
  }

  /** The server ended the session (revoked or expired token): back to the sign-in screen. */
  signedOutByServer(message: string): void {
    this.set({ sync: null, status: null, signInError: message });
    void this.loadInfo();
  }

  setSync(sync: SyncStatus): void {
    this.set((s) => ({
      sync,
      status: s.status ? { ...s.status, online: sync.online, pending: sync.pending } : s.status,
    }));
  }

  async refreshSync(): Promise<void> {
    try {
      this.setSync(await api.syncStatus());
    } catch {
      /* demo mode or signed out: no engine */
    }
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
