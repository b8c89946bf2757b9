// Every keyboard shortcut of the console, with what the help overlay says about it.

import type { Binding } from '../../lib/keyboard';
import { isLegal, type CaseActionName } from '../../lib/caseRules';
import type { Model } from '../../stores/model';

export interface Shortcut extends Binding {
  /** Shown in the help overlay (bindings that share a line leave it out). */
  help?: { keys: string[]; label: string; group: string };
}

export const HELP_GROUPS = ['Anywhere', 'Lists', 'Queue', 'Unlinked', 'Selected case'] as const;

export function appShortcuts(m: Model): Shortcut[] {
  const route = () => m.nav.state.route.name;
  const free = () =>
    m.ui.state.overlay === null && m.unlinked.state.dialog === null && m.customer.state.trafficCop === null && !m.session.signedOut;
  const on = (r: 'queue' | 'unlinked' | 'customer') => () => free() && route() === r;
  const caseCan = (a: CaseActionName) => () => {
    if (!on('customer')()) return false;
    const c = m.customer.selectedCase();
    return c !== undefined && isLegal(a, c.case.status) && !m.customer.state.busy;
  };
  const openPalette = () => {
    if (m.ui.state.overlay === 'palette') {
      m.dismiss();
    } else {
      if (m.unlinked.state.dialog) m.unlinked.closeDialog();
      m.palette.reset();
      m.ui.open('palette');
    }
  };
  const move = (delta: number) => () => {
    switch (route()) {
      case 'queue':
        m.queue.move(delta);
        break;
      case 'unlinked':
        m.unlinked.move(delta);
        break;
      case 'customer':
        m.customer.moveItem(delta);
        break;
    }
  };
  const openSelected = (e: KeyboardEvent) => {
    // Enter on a button or link presses it.
    const t = e.target as Element | null;
    if (t && typeof t.closest === 'function' && t.closest('button, a, summary')) return false;
    switch (route()) {
      case 'queue': {
        const row = m.queue.selectedRow();
        if (!row) return false;
        m.openCustomer(row.case.customer_id, row.case.id);
        return;
      }
      case 'unlinked': {
        const item = m.unlinked.selectedItem();
        if (!item) return false;
        m.unlinked.openDialog('link', item);
        return;
      }
      case 'customer':
        m.customer.openSelectedItem();
        return;
    }
  };

  return [
    { keys: 'mod+k', inInputs: true, run: openPalette, help: { keys: ['Ctrl K', '⌘ K'], label: 'Command palette and search', group: 'Anywhere' } },
    { keys: '/', when: free, run: openPalette, help: { keys: ['/'], label: 'Search (opens the palette)', group: 'Anywhere' } },
    {
      keys: 'Escape',
      inInputs: true,
      run: (e) => {
        if (m.dismiss()) return;
        const t = e.target as HTMLElement | null;
        if (t && t !== document.body && typeof t.blur === 'function' && t.matches?.('input, textarea, select')) {
          t.blur();
          return;
        }
        return false;
      },
      help: { keys: ['Esc'], label: 'Close the palette, dialog, help or form', group: 'Anywhere' },
    },
    { keys: '?', when: free, run: () => m.ui.open('help'), help: { keys: ['?'], label: 'Show these shortcuts', group: 'Anywhere' } },
    { keys: 'g q', when: free, run: () => m.goQueue(), help: { keys: ['g', 'q'], label: 'Go to the queue', group: 'Anywhere' } },
    { keys: 'g u', when: free, run: () => m.goUnlinked(), help: { keys: ['g', 'u'], label: 'Go to unlinked contacts', group: 'Anywhere' } },
    { keys: 'alt+ArrowLeft', when: free, run: () => m.nav.back(), help: { keys: ['Alt ←'], label: 'Back', group: 'Anywhere' } },

    { keys: 'j', when: free, run: move(1), help: { keys: ['j', '↓'], label: 'Next row (timeline item in a customer)', group: 'Lists' } },
    { keys: 'ArrowDown', when: free, run: move(1) },
    { keys: 'k', when: free, run: move(-1), help: { keys: ['k', '↑'], label: 'Previous row', group: 'Lists' } },
    { keys: 'ArrowUp', when: free, run: move(-1) },
    {
      keys: 'Enter',
      when: free,
      run: openSelected,
      help: { keys: ['Enter'], label: 'Open: the case’s customer, the link dialog, or the item’s case', group: 'Lists' },
    },

    { keys: 'm', when: on('queue'), run: () => m.queue.setMode('mine'), help: { keys: ['m'], label: 'My cases', group: 'Queue' } },
    { keys: 't', when: on('queue'), run: () => m.queue.setMode('team'), help: { keys: ['t'], label: 'Team queue', group: 'Queue' } },

    {
      keys: 'l',
      when: on('unlinked'),
      run: () => {
        const item = m.unlinked.selectedItem();
        if (!item) return false;
        m.unlinked.openDialog('link', item);
      },
      help: { keys: ['l'], label: 'Link the selected contact to a customer', group: 'Unlinked' },
    },
    {
      keys: 'c',
      when: on('unlinked'),
      run: () => {
        const item = m.unlinked.selectedItem();
        if (!item) return false;
        m.unlinked.openDialog('create', item);
      },
      help: { keys: ['c'], label: 'Create a customer from the selected contact', group: 'Unlinked' },
    },

    { keys: 'a', when: caseCan('acknowledge'), run: () => void m.customer.act({ type: 'acknowledge' }), help: { keys: ['a'], label: 'Acknowledge', group: 'Selected case' } },
    { keys: 'c', when: caseCan('reply'), run: () => m.customer.openForm('reply'), help: { keys: ['c'], label: 'Reply to the customer', group: 'Selected case' } },
    { keys: 'n', when: caseCan('note'), run: () => m.customer.openForm('note'), help: { keys: ['n'], label: 'Add a note', group: 'Selected case' } },
    { keys: 's', when: caseCan('assign'), run: () => m.customer.openForm('assign'), help: { keys: ['s'], label: 'Assign (agent and queue)', group: 'Selected case' } },
    { keys: 'e', when: caseCan('escalate'), run: () => m.customer.openForm('escalate'), help: { keys: ['e'], label: 'Escalate', group: 'Selected case' } },
    { keys: 'r', when: caseCan('resolve'), run: () => m.customer.openForm('resolve'), help: { keys: ['r'], label: 'Resolve (closure code and summary)', group: 'Selected case' } },
  ];
}

/** Not bound through the keymap, but worth listing. */
export const EXTRA_HELP: { keys: string[]; label: string; group: string }[] = [
  { keys: ['Ctrl Enter'], label: 'Send the open reply, note or resolve form', group: 'Selected case' },
  { keys: ['↑', '↓', 'Enter'], label: 'Move and choose in the palette and link dialog', group: 'Anywhere' },
];
