// The one module that talks to the Rust side. One typed function per Tauri command;
// feature code imports these and never calls `invoke` itself. Argument keys are
// camelCase here; Tauri maps them to the commands' snake_case parameters.

import { invoke } from '@tauri-apps/api/core';
import type {
  Applied,
  AppStatus,
  CustomerId,
  CustomerOverview,
  Mutation,
  QueueCursor,
  QueueFilter,
  QueuePage,
  ReferenceData,
  SearchResults,
  TimelinePage,
  TimelineQuery,
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

export const applyMutation = (mutation: Mutation): Promise<Applied> => call('apply_mutation', { mutation });
