// A fake back end for working on the UI in a plain browser (`npm run dev`, then open
// /preview.html): it answers every command with generated data through Tauri's IPC
// mock. Never part of the app build (index.html does not load it).

import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  Case,
  CaseEventKind,
  CaseStatus,
  Channel,
  ClockStatus,
  Customer,
  Identity,
  Mutation,
  Priority,
  QueueFilter,
  QueueRow,
  TimelineItem,
  TimelineQuery,
  Touchpoint,
} from '../api/types';

const CHANNELS: Channel[] = ['branch', 'phone', 'email', 'web_form', 'chat', 'sms', 'x', 'facebook', 'instagram'];
const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
const FIRST = ['Ann', 'Bo', 'Cy', 'Dina', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jo', 'Kai', 'Lena', 'Mo', 'Nia', 'Oli'];
const LAST = ['Lee', 'Chen', 'Dube', 'Eze', 'Fox', 'Garcia', 'Hill', 'Ito', 'Jones', 'Khan', 'Lund', 'Meyer'];
const SUBJECTS = [
  'Card declined at the till',
  'Lost card, needs a replacement',
  'Charged twice for one payment',
  'Cannot log in to the app',
  'Mortgage statement missing',
  'Change of address',
  'Direct debit not collected',
  'Complaint about branch wait time',
];
const AGENTS = ['sam', 'kim', 'lee', 'ola'];
const QUEUES = ['cards', 'loans', 'digital', 'general'];

let seed = 7;
const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const NOW = Date.now();
const H = 3_600_000;
const ts = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

interface Event {
  id: number;
  case_id: number;
  customer_id: number;
  at: string;
  actor: Touchpoint['actor'];
  kind: CaseEventKind;
}

const customers: Customer[] = [];
const cases: Case[] = [];
const touchpoints: Touchpoint[] = [];
const events: Event[] = [];
let pending = 0;
let nextId = 1;

function identityFor(channel: Channel, name: string, n: number): Identity | null {
  const handle = name.toLowerCase().replace(/\s+/g, '_') + (n % 90);
  switch (channel) {
    case 'x':
      return { kind: 'x_handle', value: handle };
    case 'instagram':
      return { kind: 'instagram_handle', value: handle };
    case 'facebook':
      return { kind: 'facebook_id', value: String(100_000 + n) };
    case 'phone':
    case 'sms':
      return { kind: 'phone', value: `+4477009${String(10_000 + n).slice(-5)}` };
    case 'email':
      return { kind: 'email', value: `${handle}@example.com` };
    default:
      return null;
  }
}

for (let c = 1; c <= 240; c++) {
  const name = `${pick(FIRST)} ${pick(LAST)}`;
  const cust: Customer = { id: c, name, identities: [], created_at: ts(NOW - 400 * 24 * H) };
  customers.push(cust);
  const ncases = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < ncases; k++) {
    const id = cases.length + 1;
    const channel = pick(CHANNELS);
    const opened = NOW - Math.floor(rnd() * 96 * H);
    const status: CaseStatus = pick(['new', 'open', 'open', 'pending', 'resolved']);
    const kase: Case = {
      id,
      customer_id: c,
      channel,
      subject: pick(SUBJECTS),
      status,
      priority: pick(PRIORITIES),
      queue: pick(QUEUES),
      assignee: rnd() < 0.2 ? 'sam' : rnd() < 0.5 ? pick(AGENTS) : null,
      reasons: ['card_declined'],
      opened_at: ts(opened),
      first_response_at: status === 'new' ? null : ts(opened + H / 2),
      last_update_at: null,
      awaiting_reply_since: null,
      pending_since: status === 'pending' ? ts(opened + H) : null,
      paused: [],
      resolved_at: status === 'resolved' ? ts(opened + 5 * H) : null,
      closed_at: null,
      closure: status === 'resolved' ? { code: 'fixed', summary: 'Sorted out' } : null,
      escalation_level: rnd() < 0.1 ? 1 : 0,
      repeat_contact: rnd() < 0.15,
      fired_rules: [],
    };
    cases.push(kase);
    const contacts = 1 + Math.floor(rnd() * 4);
    for (let t = 0; t < contacts; t++) {
      const ch = t === 0 ? channel : rnd() < 0.3 ? pick(CHANNELS) : channel;
      const identity = identityFor(ch, name, c);
      if (identity && !cust.identities.some((i) => i.kind === identity.kind)) cust.identities.push(identity);
      const at = opened + t * 5 * H + Math.floor(rnd() * H);
      touchpoints.push({
        id: nextId++,
        customer_id: c,
        case_id: id,
        channel: ch,
        direction: t % 2 === 1 ? 'outbound' : 'inbound',
        actor: t % 2 === 1 ? { kind: 'agent', name: pick(AGENTS) } : { kind: 'customer' },
        occurred_at: ts(Math.min(at, NOW - 60_000)),
        identity,
        summary: t === 0 ? kase.subject : t % 2 ? 'We replied with next steps' : 'Customer followed up',
        body:
          t % 2
            ? 'Thanks for getting in touch. We have looked into this and will update you by tomorrow.'
            : 'I tried again this morning and it still does not work. This is the third time I have had to contact you about it and nobody has called me back.',
        facts:
          ch === 'phone'
            ? { call_duration_secs: 60 + Math.floor(rnd() * 600) }
            : ch === 'branch'
              ? { branch_id: 'B-014' }
              : ch === 'x' || ch === 'facebook' || ch === 'instagram'
                ? { public: rnd() < 0.5, post_url: `https://${ch}.example/p/${nextId}` }
                : {},
      });
    }
    events.push({
      id: nextId++,
      case_id: id,
      customer_id: c,
      at: ts(opened),
      actor: { kind: 'system' },
      kind: { type: 'opened', subject: kase.subject, channel },
    });
    if (status !== 'new') {
      events.push({ id: nextId++, case_id: id, customer_id: c, at: ts(opened + H / 2), actor: { kind: 'agent', name: 'kim' }, kind: { type: 'acknowledged' } });
    }
  }
}
for (let u = 0; u < 60; u++) {
  const ch = pick(CHANNELS);
  touchpoints.push({
    id: nextId++,
    customer_id: null,
    case_id: null,
    channel: ch,
    direction: 'inbound',
    actor: { kind: 'customer' },
    occurred_at: ts(NOW - u * 37 * 60_000),
    identity: identityFor(ch, `${pick(FIRST)} ${pick(LAST)}`, 500 + u) ?? { kind: 'web_account_id', value: `w${u}` },
    summary: pick(SUBJECTS),
    body: 'Hello, is anyone there? I need help with my account.',
    facts: {},
  });
}

function clocksFor(c: Case): ClockStatus[] {
  const active = c.status === 'new' || c.status === 'open' || c.status === 'pending';
  if (!active) {
    return [
      { kind: 'first_response', state: 'met', target: 4 * 3600, elapsed: 1800, remaining: 12_600, due_at: null, paused: false },
      { kind: 'resolution', state: 'met', target: 72 * 3600, elapsed: 5 * 3600, remaining: 67 * 3600, due_at: null, paused: false },
    ];
  }
  const opened = Date.parse(c.opened_at);
  const resolution: ClockStatus = {
    kind: 'resolution',
    state: 'ok',
    target: 72 * 3600,
    elapsed: 0,
    remaining: 0,
    due_at: c.status === 'pending' ? null : ts(opened + 72 * H),
    paused: c.status === 'pending',
  };
  const out: ClockStatus[] = [];
  if (c.status === 'new') {
    out.push({ kind: 'first_response', state: 'ok', target: 4 * 3600, elapsed: 0, remaining: 0, due_at: ts(opened + 4 * H), paused: false });
  } else if (c.status === 'open') {
    out.push({ kind: 'periodic_update', state: 'ok', target: 24 * 3600, elapsed: 0, remaining: 0, due_at: ts(opened + 26 * H), paused: false });
  }
  out.push(resolution);
  for (const k of out) {
    const elapsed = k.due_at ? k.target - (Date.parse(k.due_at) - Date.now()) / 1000 : k.target / 3;
    k.elapsed = Math.round(elapsed);
    k.remaining = Math.round(k.target - elapsed);
    k.state = k.paused ? 'ok' : k.remaining <= 0 ? 'breached' : k.elapsed >= 0.75 * k.target ? 'warning' : 'ok';
  }
  return out.sort((a, b) => (a.due_at ? Date.parse(a.due_at) : Infinity) - (b.due_at ? Date.parse(b.due_at) : Infinity));
}

function queueRows(filter: QueueFilter): QueueRow[] {
  return cases
    .filter((c) => (filter.statuses ?? ['new', 'open', 'pending']).includes(c.status))
    .filter((c) => !filter.assignee || c.assignee === filter.assignee)
    .filter((c) => !filter.queues || filter.queues.includes(c.queue))
    .filter((c) => !filter.channels || filter.channels.includes(c.channel))
    .filter((c) => !filter.priorities || filter.priorities.includes(c.priority))
    .map((c) => {
      const clocks = clocksFor(c);
      return {
        case: c,
        customer_name: customers[c.customer_id - 1]!.name,
        clocks,
        key: { due_at: clocks[0]?.due_at ?? null, priority: c.priority, case_id: c.id },
      };
    })
    .sort((a, b) => {
      const da = a.key.due_at ? Date.parse(a.key.due_at) : Infinity;
      const db = b.key.due_at ? Date.parse(b.key.due_at) : Infinity;
      return da - db || PRIORITIES.indexOf(a.case.priority) - PRIORITIES.indexOf(b.case.priority) || a.case.id - b.case.id;
    });
}

function timeline(q: TimelineQuery, jumpTo: string | null) {
  const items: TimelineItem[] = [
    ...touchpoints
      .filter((t) => t.customer_id === q.customer)
      .filter((t) => q.case === null || t.case_id === q.case)
      .filter((t) => !q.channels || q.channels.includes(t.channel))
      .map((t) => ({ item: 'touchpoint' as const, ...t })),
    ...(q.channels
      ? []
      : events
          .filter((e) => e.customer_id === q.customer && (q.case === null || e.case_id === q.case))
          .map((e) => ({ item: 'case_event' as const, ...e }))),
  ];
  const at = (i: TimelineItem) => Date.parse(i.item === 'touchpoint' ? i.occurred_at : i.at);
  items.sort((a, b) => at(b) - at(a) || b.id - a.id);
  let start = 0;
  if (q.before) start = items.findIndex((i) => i.id === q.before!.id) + 1;
  else if (jumpTo) start = Math.max(0, items.findIndex((i) => at(i) < Date.parse(jumpTo)));
  const page = items.slice(start, start + Math.min(q.limit, 12));
  const last = page[page.length - 1];
  const more = start + page.length < items.length;
  return {
    items: page,
    next: more && last ? { at: last.item === 'touchpoint' ? last.occurred_at : last.at, rank: last.item === 'touchpoint' ? 1 : 0, id: last.id } : null,
  };
}

function mutate(m: Mutation) {
  pending++;
  switch (m.type) {
    case 'case': {
      const c = cases[m.case_id - 1];
      if (!c) throw { message: `case CS-${m.case_id} does not exist` };
      const a = m.action;
      const refuse = (why: string) => {
        throw { message: `case CS-${c.id} is ${c.status}: ${why}` };
      };
      if (a.type === 'acknowledge') c.status === 'new' ? (c.status = 'open') : refuse('only a new case can be acknowledged');
      if (a.type === 'set_pending') c.status = 'pending';
      if (a.type === 'resume') c.status = 'open';
      if (a.type === 'resolve') c.status = 'resolved';
      if (a.type === 'reopen') c.status = 'open';
      if (a.type === 'close') c.status = 'closed';
      if (a.type === 'assign') {
        c.assignee = a.assignee;
        if (a.queue) c.queue = a.queue;
      }
      if (a.type === 'escalate') c.escalation_level++;
      const kind: CaseEventKind =
        a.type === 'add_note'
          ? { type: 'noted', body: a.body }
          : a.type === 'reply'
            ? { type: 'replied', body: a.body }
            : a.type === 'resolve'
              ? { type: 'resolved', closure_code: a.closure_code, summary: a.summary }
              : a.type === 'escalate'
                ? { type: 'escalated', reason: a.reason, level: c.escalation_level }
                : a.type === 'assign'
                  ? { type: 'assigned', assignee: a.assignee, queue: c.queue }
                  : a.type === 'reopen'
                    ? { type: 'reopened', reason: a.reason }
                    : a.type === 'set_pending'
                      ? { type: 'pending' }
                      : a.type === 'resume'
                        ? { type: 'resumed' }
                        : { type: 'acknowledged' };
      const ev = { id: nextId++, case_id: c.id, customer_id: c.customer_id, at: ts(Date.now()), actor: { kind: 'agent' as const, name: 'sam' }, kind };
      events.push(ev);
      return { seq: pending, customer_id: c.customer_id, event: ev, touchpoints: [] };
    }
    case 'link_identity':
    case 'create_customer': {
      const t = touchpoints.find((x) => x.id === m.touchpoint_id)!;
      let cid: number;
      if (m.type === 'create_customer') {
        cid = customers.length + 1;
        customers.push({ id: cid, name: m.name, identities: [], created_at: ts(Date.now()) });
      } else cid = m.customer_id;
      const same = touchpoints.filter((x) => x.customer_id === null && JSON.stringify(x.identity) === JSON.stringify(t.identity));
      for (const x of same) x.customer_id = cid;
      if (t.identity) customers[cid - 1]!.identities.push(t.identity);
      return { seq: pending, customer_id: cid, event: null, touchpoints: same.map((x) => x.id) };
    }
    case 'unlink_identity': {
      const back = touchpoints.filter((x) => x.customer_id === m.customer_id && JSON.stringify(x.identity) === JSON.stringify(m.identity));
      for (const x of back) x.customer_id = null;
      const cust = customers[m.customer_id - 1]!;
      cust.identities = cust.identities.filter((i) => JSON.stringify(i) !== JSON.stringify(m.identity));
      return { seq: pending, customer_id: m.customer_id, event: null, touchpoints: back.map((x) => x.id) };
    }
    case 'retry_delivery': {
      const t = touchpoints.find((x) => x.id === m.touchpoint_id);
      if (t) t.facts = { ...t.facts, delivery: { state: 'queued' } };
      return { seq: pending, customer_id: t?.customer_id ?? null, event: null, touchpoints: [m.touchpoint_id] };
    }
  }
}

export function installFakeBackend(): void {
  mockIPC((cmd, payload) => {
    const a = (payload ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case 'app_status':
        return { online: false, pending, user: 'sam', demo: true };
      case 'reference_data':
        return {
          closure_codes: [
            { code: 'fixed', label: 'Fixed' },
            { code: 'information_given', label: 'Information given' },
            { code: 'refund_issued', label: 'Refund issued' },
          ],
          agents: AGENTS,
          queues: QUEUES,
        };
      case 'queue_page': {
        const all = queueRows(a.filter as QueueFilter);
        const after = a.after as { id: number } | null;
        const start = after ? all.findIndex((r) => r.case.id === after.id) + 1 : 0;
        const rows = all.slice(start, start + Math.min(Number(a.limit), 40));
        const last = rows[rows.length - 1];
        return { rows, next: start + rows.length < all.length && last ? { due_key: 0, priority_rank: 0, id: last.case.id } : null };
      }
      case 'customer_overview': {
        const id = a.customer as number;
        const cust = customers[id - 1];
        if (!cust) throw { message: `customer C-${id} does not exist` };
        const mine = cases.filter((c) => c.customer_id === id).reverse();
        const hops = touchpoints
          .filter((t) => t.customer_id === id && t.direction === 'inbound' && t.case_id !== null)
          .filter((t) => cases[t.case_id! - 1]!.channel !== t.channel)
          .map((t) => ({
            case_id: t.case_id!,
            from_touchpoint: 0,
            to_touchpoint: t.id,
            from_channel: cases[t.case_id! - 1]!.channel,
            to_channel: t.channel,
            description: `Contacted by ${cases[t.case_id! - 1]!.channel}, then by ${t.channel} about the same case`,
          }));
        return {
          customer: cust,
          cases: mine.map((c) => ({ case: c, clocks: clocksFor(c), version: null })),
          hops,
          touchpoints: touchpoints.filter((t) => t.customer_id === id).length,
        };
      }
      case 'timeline_page':
        return timeline(a.query as TimelineQuery, (a.jumpTo as string | null) ?? null);
      case 'unlinked_page': {
        const all = touchpoints.filter((t) => t.customer_id === null).sort((x, y) => Date.parse(y.occurred_at) - Date.parse(x.occurred_at));
        const before = a.before as { id: number } | null;
        const start = before ? all.findIndex((t) => t.id === before.id) + 1 : 0;
        const items = all.slice(start, start + 25);
        const last = items[items.length - 1];
        return { items, next: start + items.length < all.length && last ? { at: last.occurred_at, id: last.id } : null };
      }
      case 'search': {
        const q = String(a.text).toLowerCase();
        return {
          customers: customers
            .filter((c) => c.name.toLowerCase().includes(q) || c.identities.some((i) => i.value.includes(q)))
            .slice(0, 8)
            .map((c) => ({ id: c.id, name: c.name, matched_identity: c.identities.find((i) => i.value === q) ?? null })),
          cases: cases
            .filter((c) => c.subject.toLowerCase().includes(q))
            .slice(0, 8)
            .map((c) => ({ id: c.id, customer_id: c.customer_id, customer_name: customers[c.customer_id - 1]!.name, subject: c.subject, status: c.status })),
          touchpoints: touchpoints.filter((t) => t.summary.toLowerCase().includes(q)).slice(0, 8),
        };
      }
      case 'apply_mutation':
        return mutate(a.mutation as Mutation);
      case 'session_info':
        return { mode: 'demo', server: null, user: null, role: null, last_server: null, last_username: null, configured_server: null, message: null };
      case 'notices':
      case 'traffic_check':
        return [];
      case 'dismiss_notices':
      case 'set_presence':
        return null;
      case 'sync_status':
        throw { message: 'The demo has no server to sync with.' };
    }
    throw { message: `unknown command ${cmd}` };
  }, { shouldMockEvents: true });
}
