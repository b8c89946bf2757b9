// The one module that talks to the Rust side. One typed function per Tauri command, and
// one subscription for the sync events it pushes; feature code imports these and never
// calls `invoke` or `listen` itself. Argument keys are camelCase here; Tauri maps them
// to the commands' snake_case parameters.

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  Activity,
  AppStatus,
  Applied,
  CaseId,
  ChangedEvent,
  CustomerId,
  CustomerOverview,
  Mutation,
  Notice,
  PresenceEvent,
  QueueCursor,
  QueueFilter,
  QueuePage,
  ReferenceData,
  SearchResults,
  ServerCheck,
  SessionInfo,
  SignedOutEvent,
  SyncStatus,
  TimelinePage,
  TimelineQuery,
  TrafficSince,
  UnlinkedCursor,
  UnlinkedPage,
} from './types';

/** A command failed: `message` is a sentence written for the agent. */
export class BackendError extends Error {
  readonly command: string;
  constructor(command: string, message: string) {
    super(message);
    this.name = 'BackendError';
    this.command = command;
  }
}

/** The agent-readable message of anything a command rejected with. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object' && 'message' in e && typeof (e as { message: unknown }).message === 'string') {
    return (e as { message: string }).message;
  }
  return 'Something went wrong. Try again.';
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw new BackendError(command, errorMessage(e));
  }
}

/** The server caps a queue page at 40 rows. */
export const QUEUE_PAGE = 40;
/** Timeline pages: the server caps them at 200 and trims them to the IPC budget. */
export const TIMELINE_PAGE = 50;
export const UNLINKED_PAGE = 50;

export const appStatus = (): Promise<AppStatus> => call('app_status');

export const referenceData = (): Promise<ReferenceData> => call('reference_data');

export const queuePage = (filter: QueueFilter, after: QueueCursor | null, limit = QUEUE_PAGE): Promise<QueuePage> =>
  call('queue_page', { filter, after, limit });

export const customerOverview = (customer: CustomerId): Promise<CustomerOverview> =>
  call('customer_overview', { customer });

/** `jumpTo` (RFC 3339) starts the page at the newest item before that instant. */
export const timelinePage = (query: TimelineQuery, jumpTo: string | null = null): Promise<TimelinePage> =>
  call('timeline_page', { query, jumpTo });

export const unlinkedPage = (before: UnlinkedCursor | null, limit = UNLINKED_PAGE): Promise<UnlinkedPage> =>
  call('unlinked_page', { before, limit });

export const search = (text: string): Promise<SearchResults> => call('search', { text });

/** `basis`: the case's version when the agent's view was loaded (see `trafficCheck`). */
export const applyMutation = (mutation: Mutation, basis: number | null = null): Promise<Applied> =>
  call('apply_mutation', { mutation, basis });

export const sessionInfo = (): Promise<SessionInfo> => call('session_info');

export const signIn = (server: string, username: string, password: string): Promise<SessionInfo> =>
  call('sign_in', { server, username, password });

export const signOut = (): Promise<SessionInfo> => call('sign_out');

/** Does `server` answer as a Tideline server this console can talk to? */
export const checkServer = (server: string): Promise<ServerCheck> => call('check_server', { server });

/** "Explore with demo data": the demo contact centre, chosen explicitly. */
export const exploreDemo = (): Promise<SessionInfo> => call('explore_demo');

export const syncStatus = (): Promise<SyncStatus> => call('sync_status');

/** Unseen notices, oldest first; with `caseId`, every notice about that case. */
export const notices = (caseId: CaseId | null = null): Promise<Notice[]> => call('notices', { caseId });

export const dismissNotices = (ids: number[]): Promise<void> => call('dismiss_notices', { ids });

/** Tells colleagues which case this agent has open (`null`: none) and what they do in it. */
export const setPresence = (caseId: CaseId | null, activity: Activity): Promise<void> =>
  call('set_presence', { caseId, activity });

/** What happened on the case since `since`, in sentences; empty when nothing did. */
export const trafficCheck = (caseId: CaseId, since: TrafficSince): Promise<string[]> =>
  call('traffic_check', { caseId, since });

/** What the sync engine pushes. Every handler is optional. */
export interface SyncHandlers {
  status?: (s: SyncStatus) => void;
  changed?: (c: ChangedEvent) => void;
  presence?: (p: PresenceEvent) => void;
  /** How many new notices arrived. */
  notices?: (count: number) => void;
  signedOut?: (e: SignedOutEvent) => void;
}

export const SYNC_EVENTS = {
  status: 'sync:status',
  changed: 'sync:changed',
  presence: 'sync:presence',
  notices: 'sync:notices',
  signedOut: 'sync:signed_out',
} as const;

/** Listens to the sync events; returns the function that stops listening. */
export function onSyncEvents(h: SyncHandlers): () => void {
  const pending: Promise<UnlistenFn>[] = [];
  const on = <T>(event: string, f: ((p: T) => void) | undefined) => {
    if (f) pending.push(listen<T>(event, (e) => f(e.payload)).catch(() => () => {}));
  };
  on(SYNC_EVENTS.status, h.status);
  on(SYNC_EVENTS.changed, h.changed);
  on(SYNC_EVENTS.presence, h.presence);
  on(SYNC_EVENTS.notices, h.notices);
  on(SYNC_EVENTS.signedOut, h.signedOut);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    // Unlisten may fail once the window (or a test's IPC mock) is gone: nothing to do then.
    for (const p of pending) p.then((un) => un()).catch(() => {});
  };
}
