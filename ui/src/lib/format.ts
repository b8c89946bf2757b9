// Pure formatting: durations, SLA badges, dates, ids and labels. No React, no I/O.

import type {
  Actor,
  CaseEventKind,
  CaseStatus,
  Channel,
  ClockKind,
  ClockStatus,
  Identity,
  IdentityKind,
  Priority,
} from '../api/types';

/**
 * A duration in the two largest units: "1d 3h", "2h 05m", "4m 12s", "35s".
 * The second unit is zero-padded below a day so columns line up.
 */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(Math.abs(totalSeconds)));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${pad2(m)}m`;
  if (m > 0) return `${m}m ${pad2(sec)}s`;
  return `${sec}s`;
}

/** How long ago something opened, coarse: "3d 4h", "2h 05m", "12m", "now". */
export function formatAge(fromIso: string, nowMs: number): string {
  const secs = Math.floor((nowMs - Date.parse(fromIso)) / 1000);
  if (!Number.isFinite(secs) || secs < 60) return 'now';
  if (secs < 3600) return `${Math.floor(secs / 60)}m`;
  return formatDuration(secs);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export type BadgeState = 'ok' | 'warning' | 'breached' | 'paused' | 'met' | 'missed';

export interface SlaView {
  state: BadgeState;
  /** "2h 05m left", "1d 3h over", "Paused · 40m left", "Met", "Missed by 5m 00s". */
  text: string;
  /** Seconds until due (negative once over); null when the clock stands still. */
  secondsLeft: number | null;
}

/**
 * What a badge shows for `clock` at `nowMs`. A running clock ticks from its `due_at`
 * (wall time), so the badge stays live between fetches; once `due_at` passes it reads
 * breached. A clock the server saw as `ok` turns `warning` when less than a quarter of
 * its target is left in wall time, which is never sooner than in business time.
 */
export function slaView(clock: ClockStatus | undefined | null, nowMs: number): SlaView {
  if (!clock) return { state: 'met', text: 'No SLA clock', secondsLeft: null };
  const { state, remaining } = clock;
  if (state === 'met') return { state: 'met', text: 'Met', secondsLeft: null };
  if (state === 'missed') {
    return { state: 'missed', text: `Missed by ${formatDuration(-remaining)}`, secondsLeft: null };
  }
  if (clock.paused) {
    const rest = remaining >= 0 ? `${formatDuration(remaining)} left` : `${formatDuration(remaining)} over`;
    return { state: 'paused', text: `Paused · ${rest}`, secondsLeft: null };
  }
  let left = remaining;
  if (clock.due_at) {
    const due = Date.parse(clock.due_at);
    if (Number.isFinite(due)) left = Math.floor((due - nowMs) / 1000);
  }
  if (state === 'breached' && left > 0) left = Math.min(remaining, 0);
  if (left <= 0) {
    return { state: 'breached', text: `${formatDuration(-left)} over`, secondsLeft: left };
  }
  let shown: BadgeState = state;
  if (shown === 'ok' && clock.target > 0 && left * 4 <= clock.target) shown = 'warning';
  return { state: shown, text: `${formatDuration(left)} left`, secondsLeft: left };
}

/**
 * The clock a case's badge shows: the first running, unpaused clock (the server lists
 * the most urgent first), else a paused one, else the first (a stopped clock).
 */
export function badgeClock(clocks: readonly ClockStatus[]): ClockStatus | undefined {
  const running = clocks.filter((c) => c.state === 'ok' || c.state === 'warning' || c.state === 'breached');
  return running.find((c) => !c.paused) ?? running[0] ?? clocks[0];
}

export const CLOCK_LABELS: Record<ClockKind, string> = {
  first_response: 'First response',
  next_reply: 'Next reply',
  periodic_update: 'Periodic update',
  resolution: 'Resolution',
};

export const CHANNELS: readonly Channel[] = [
  'branch',
  'phone',
  'email',
  'web_form',
  'chat',
  'sms',
  'x',
  'facebook',
  'instagram',
];

export const CHANNEL_LABELS: Record<Channel, string> = {
  branch: 'Branch',
  phone: 'Phone',
  email: 'Email',
  web_form: 'Web form',
  chat: 'Chat',
  sms: 'SMS',
  x: 'X',
  facebook: 'Facebook',
  instagram: 'Instagram',
};

export const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'normal', 'low'];
export const ACTIVE_STATUSES: readonly CaseStatus[] = ['new', 'open', 'pending'];

export function capitalise(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

export const caseRef = (id: number): string => `CS-${id}`;
export const customerRef = (id: number): string => `C-${id}`;

const IDENTITY_KIND_LABELS: Record<IdentityKind, string> = {
  phone: 'Phone',
  email: 'Email',
  x_handle: 'X',
  facebook_id: 'Facebook',
  instagram_handle: 'Instagram',
  branch_customer_no: 'Branch no.',
  web_account_id: 'Web account',
};

export function identityKindLabel(kind: IdentityKind): string {
  return IDENTITY_KIND_LABELS[kind];
}

/** The identity as a person would write it: "@ann_lee_77", "+447700900123". */
export function identityValue(id: Identity): string {
  switch (id.kind) {
    case 'x_handle':
    case 'instagram_handle':
      return `@${id.value}`;
    case 'facebook_id':
      return /^\d+$/.test(id.value) ? id.value : `@${id.value}`;
    default:
      return id.value;
  }
}

/** "@ann_lee_77 on X", "+447700900123 (phone)", "branch customer 1234". */
export function describeIdentity(id: Identity): string {
  switch (id.kind) {
    case 'x_handle':
      return `${identityValue(id)} on X`;
    case 'instagram_handle':
      return `${identityValue(id)} on Instagram`;
    case 'facebook_id':
      return `${identityValue(id)} on Facebook`;
    case 'phone':
      return `${id.value} (phone)`;
    case 'email':
      return id.value;
    case 'branch_customer_no':
      return `branch customer ${id.value}`;
    case 'web_account_id':
      return `web account ${id.value}`;
  }
}

export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case 'agent':
      return actor.name;
    case 'customer':
      return 'Customer';
    case 'system':
      return 'System';
  }
}

/** The same words the core's `CaseEventKind::describe` uses. */
export function describeEvent(kind: CaseEventKind): string {
  switch (kind.type) {
    case 'opened':
      return `Case opened via ${CHANNEL_LABELS[kind.channel]}: ${kind.subject}`;
    case 'acknowledged':
      return 'Acknowledged the customer';
    case 'replied':
      return `Replied: ${kind.body}`;
    case 'noted':
      return `Note: ${kind.body}`;
    case 'assigned':
      return kind.assignee ? `Assigned to ${kind.assignee} (${kind.queue})` : `Moved to queue ${kind.queue}`;
    case 'escalated':
      return `Escalated to level ${kind.level}: ${kind.reason}`;
    case 'pending':
      return 'Waiting on the customer';
    case 'resumed':
      return 'Resumed';
    case 'resolved':
      return `Resolved (${kind.closure_code}): ${kind.summary}`;
    case 'closed':
      return 'Closed';
    case 'reopened':
      return `Reopened: ${kind.reason}`;
    case 'customer_message':
      return 'Customer wrote again';
    case 'priority_changed':
      return `Priority ${kind.from} → ${kind.to}`;
    case 'flagged_repeat_contact':
      return 'Flagged as a repeat contact';
  }
}

const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

/** "Mon 2 Mar 2026, 14:05" in the agent's time zone. */
export function formatDateTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? dateTimeFmt.format(t) : iso;
}

/** Today: "14:05"; otherwise "Mon 2 Mar 14:05". */
export function formatWhen(iso: string, nowMs: number): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const a = new Date(t);
  const b = new Date(nowMs);
  const sameDay = a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  return sameDay ? timeFmt.format(t) : `${dayFmt.format(t)} ${timeFmt.format(t)}`;
}

/**
 * The instant that ends the local calendar day `yyyy-mm-dd` (an `<input type=date>`
 * value), as RFC 3339: a timeline jumped there shows that day's newest item first.
 */
export function endOfLocalDay(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const end = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1, 0, 0, 0, 0);
  return Number.isFinite(end.getTime()) ? end.toISOString() : null;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
