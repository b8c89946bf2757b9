// Data and an IPC mock for component tests.
import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  AppStatus,
  Notice,
  SessionInfo,
  SyncStatus,
  Case,
  ClockStatus,
  CustomerOverview,
  QueueRow,
  ReferenceData,
  Touchpoint,
} from '../api/types';

export const NOW = Date.parse('2026-03-02T12:00:00Z');
export const iso = (msFromNow: number) => new Date(NOW + msFromNow).toISOString();
export const H = 3600_000;
export const M = 60_000;

export const status: AppStatus = { online: false, pending: 0, user: 'sam', demo: true };

export const demoSession: SessionInfo = {
  mode: 'demo',
  server: null,
  user: null,
  role: null,
  last_server: null,
  last_username: null,
  configured_server: null,
  message: null,
};

export const kim = { username: 'kim', display_name: 'Kim Lee', role: 'agent', queues: ['cards'] } as const;

export const signedIn: SessionInfo = {
  mode: 'signed_in',
  server: 'http://127.0.0.1:7420',
  user: { ...kim, queues: [...kim.queues] },
  role: 'agent',
  last_server: 'http://127.0.0.1:7420',
  last_username: 'kim',
  configured_server: null,
  message: null,
};

export const signedOut: SessionInfo = {
  mode: 'signed_out',
  server: null,
  user: null,
  role: null,
  last_server: null,
  last_username: null,
  configured_server: null,
  message: null,
};

export function syncStatus(p: Partial<SyncStatus> = {}): SyncStatus {
  return { online: true, pending: 0, last_error: null, cursor: 120, initial_sync_done: true, ...p };
}

export function notice(p: Partial<Notice> = {}): Notice {
  return {
    id: 1,
    at: iso(-10 * M),
    case_id: 1,
    customer_id: 10,
    kind: 'transformed',
    message: 'Sam Patel resolved CS-1 while you were offline; your reply was kept as an internal note.',
    seen: false,
    ...p,
  };
}

export const reference: ReferenceData = {
  closure_codes: [
    { code: 'fixed', label: 'Fixed' },
    { code: 'information_given', label: 'Information given' },
  ],
  agents: ['sam', 'kim', 'lee'],
  queues: ['cards', 'loans', 'general'],
};

export function clock(p: Partial<ClockStatus> = {}): ClockStatus {
  return {
    kind: 'first_response',
    state: 'ok',
    target: 4 * 3600,
    elapsed: 3600,
    remaining: 3 * 3600,
    due_at: iso(3 * H),
    paused: false,
    ...p,
  };
}

export function makeCase(p: Partial<Case> = {}): Case {
  return {
    id: 1,
    customer_id: 10,
    channel: 'email',
    subject: 'Card declined',
    status: 'open',
    priority: 'normal',
    queue: 'cards',
    assignee: 'sam',
    reasons: [],
    opened_at: iso(-5 * H),
    first_response_at: iso(-4 * H),
    last_update_at: iso(-4 * H),
    awaiting_reply_since: null,
    pending_since: null,
    paused: [],
    resolved_at: null,
    closed_at: null,
    closure: null,
    escalation_level: 0,
    repeat_contact: false,
    fired_rules: [],
    ...p,
  };
}

export function row(c: Partial<Case>, clocks: ClockStatus[], customer = 'Ann Lee'): QueueRow {
  const kase = makeCase(c);
  return {
    case: kase,
    customer_name: customer,
    clocks,
    key: { due_at: clocks[0]?.due_at ?? null, priority: kase.priority, case_id: kase.id },
  };
}

export function touchpoint(p: Partial<Touchpoint> = {}): Touchpoint {
  return {
    id: 100,
    customer_id: null,
    case_id: null,
    channel: 'x',
    direction: 'inbound',
    actor: { kind: 'customer' },
    occurred_at: iso(-30 * M),
    identity: { kind: 'x_handle', value: 'ann_lee_77' },
    summary: 'Card declined at the till',
    body: 'My card was declined again, third time this week',
    facts: { public: true },
    ...p,
  };
}

export function overview(cases: Case[], p: Partial<CustomerOverview> = {}): CustomerOverview {
  return {
    customer: {
      id: 10,
      name: 'Ann Lee',
      identities: [
        { kind: 'email', value: 'ann@example.com' },
        { kind: 'x_handle', value: 'ann_lee_77' },
      ],
      created_at: iso(-400 * 24 * H),
    },
    cases: cases.map((c) => ({ case: c, clocks: [clock({ kind: 'resolution' })], version: 7 })),
    hops: [],
    touchpoints: 12,
    ...p,
  };
}

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

type Handler = (args: Record<string, unknown>) => unknown;

/**
 * Mocks every command. `handlers` override the defaults; a handler that throws
 * rejects the invoke the way a command's `Err(ApiError)` does. Returns the call log.
 */
export function mockBackend(handlers: Record<string, Handler> = {}): Call[] {
  const calls: Call[] = [];
  const defaults: Record<string, Handler> = {
    app_status: () => status,
    reference_data: () => reference,
    queue_page: () => ({ rows: [], next: null }),
    unlinked_page: () => ({ items: [], next: null }),
    search: () => ({ customers: [], cases: [], touchpoints: [] }),
    customer_overview: () => overview([makeCase()]),
    timeline_page: () => ({ items: [], next: null }),
    apply_mutation: () => ({ seq: 1, customer_id: null, event: null, touchpoints: [] }),
    session_info: () => demoSession,
    sync_status: () => {
      throw { message: 'not signed in' };
    },
    notices: () => [],
    dismiss_notices: () => null,
    set_presence: () => null,
    traffic_check: () => [],
  };
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args });
      const h = handlers[cmd] ?? defaults[cmd];
      if (!h) throw { message: `unknown command ${cmd}` };
      return h(args);
    },
    // `emit` from '@tauri-apps/api/event' reaches the app's listeners (sync events).
    { shouldMockEvents: true },
  );
  return calls;
}

export const mutations = (calls: Call[]) =>
  calls.filter((c) => c.cmd === 'apply_mutation').map((c) => c.args.mutation as { type: string } & Record<string, unknown>);
