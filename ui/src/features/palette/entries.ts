// What the command palette lists for a query: search hits, then the matching actions.

import type { SearchResults } from '../../api/types';
import { CHANNEL_LABELS, capitalise, caseRef, customerRef, identityValue } from '../../lib/format';
import type { Model } from '../../stores/model';
import type { Channel } from '../../api/types';
import { isLegal } from '../../lib/caseRules';

export type EntryKind = 'customer' | 'case' | 'touchpoint' | 'action';

export interface PaletteEntry {
  kind: EntryKind;
  id: string;
  title: string;
  detail: string;
  channel?: Channel;
  shortcut?: string;
  run: () => void;
}

export interface PaletteAction {
  id: string;
  title: string;
  shortcut?: string;
  when?: () => boolean;
  run: () => void;
}

export function paletteActions(m: Model): PaletteAction[] {
  const inCase = () => m.nav.state.route.name === 'customer' && m.customer.selectedCase() !== undefined;
  const legal = (a: Parameters<typeof isLegal>[0]) => () => {
    const c = m.customer.selectedCase();
    return inCase() && c !== undefined && isLegal(a, c.case.status);
  };
  return [
    { id: 'go-queue', title: 'Go to queue', shortcut: 'g q', run: () => m.goQueue() },
    { id: 'go-unlinked', title: 'Go to unlinked', shortcut: 'g u', run: () => m.goUnlinked() },
    {
      id: 'my-cases',
      title: 'Show my cases',
      shortcut: 'm',
      run: () => {
        m.goQueue();
        m.queue.setMode('mine');
      },
    },
    {
      id: 'team-queue',
      title: 'Show team queue',
      shortcut: 't',
      run: () => {
        m.goQueue();
        m.queue.setMode('team');
      },
    },
    { id: 'acknowledge', title: 'Acknowledge case', shortcut: 'a', when: legal('acknowledge'), run: () => void m.customer.act({ type: 'acknowledge' }) },
    { id: 'reply', title: 'Reply to customer…', shortcut: 'c', when: legal('reply'), run: () => m.customer.openForm('reply') },
    { id: 'note', title: 'Add note…', shortcut: 'n', when: legal('note'), run: () => m.customer.openForm('note') },
    { id: 'assign', title: 'Assign case…', shortcut: 's', when: legal('assign'), run: () => m.customer.openForm('assign') },
    { id: 'escalate', title: 'Escalate case…', shortcut: 'e', when: legal('escalate'), run: () => m.customer.openForm('escalate') },
    { id: 'resolve', title: 'Resolve case…', shortcut: 'r', when: legal('resolve'), run: () => m.customer.openForm('resolve') },
    { id: 'toggle-theme', title: 'Toggle theme (light / dark)', run: () => m.ui.toggleTheme() },
    { id: 'shortcuts', title: 'Show shortcuts', shortcut: '?', run: () => m.ui.open('help') },
    { id: 'back', title: 'Go back', shortcut: 'Alt+←', run: () => m.nav.back() },
    { id: 'sign-out', title: 'Sign out', when: () => m.session.signedIn, run: () => void m.signOut() },
  ];
}

export function paletteEntries(m: Model, text: string, results: SearchResults | null): PaletteEntry[] {
  const out: PaletteEntry[] = [];
  if (results && text.trim() !== '') {
    for (const c of results.customers) {
      out.push({
        kind: 'customer',
        id: String(c.id),
        title: c.name,
        detail: c.matched_identity ? `${customerRef(c.id)} · matches ${identityValue(c.matched_identity)}` : customerRef(c.id),
        run: () => m.openCustomer(c.id),
      });
    }
    for (const c of results.cases) {
      out.push({
        kind: 'case',
        id: String(c.id),
        title: `${caseRef(c.id)} ${c.subject}`,
        detail: `${c.customer_name} · ${capitalise(c.status)}`,
        run: () => m.openCustomer(c.customer_id, c.id),
      });
    }
    for (const t of results.touchpoints) {
      out.push({
        kind: 'touchpoint',
        id: String(t.id),
        title: t.summary,
        detail: `${CHANNEL_LABELS[t.channel]} · ${new Date(t.occurred_at).toLocaleString()}${t.customer_id === null ? ' · unlinked' : ''}`,
        channel: t.channel,
        run: () => (t.customer_id !== null ? m.openCustomer(t.customer_id, t.case_id) : m.goUnlinked()),
      });
    }
  }
  const q = text.trim().toLowerCase();
  for (const a of paletteActions(m)) {
    if (a.when && !a.when()) continue;
    if (q !== '' && !a.title.toLowerCase().includes(q)) continue;
    out.push({ kind: 'action', id: a.id, title: a.title, detail: 'Action', shortcut: a.shortcut, run: a.run });
  }
  return out;
}
