import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../App';
import { createModel } from '../../stores/model';
import { clock, H, iso, M, mockBackend, NOW, overview, makeCase, row } from '../../test/fixtures';

const rows = [
  row({ id: 7, priority: 'urgent', channel: 'x', subject: 'Card declined twice' }, [
    clock({ due_at: iso(-(27 * H)), state: 'breached', remaining: -27 * 3600 }),
  ], 'Ann Lee'),
  row({ id: 3, priority: 'high', channel: 'phone', subject: 'Lost card' }, [
    clock({ due_at: iso(30 * M), state: 'warning' }),
  ], 'Bo Chen'),
  row({ id: 12, priority: 'normal', channel: 'branch', subject: 'Address change', status: 'pending' }, [
    // Pending: the stopped first-response clock comes first, the badge shows the paused one.
    clock({ kind: 'first_response', state: 'met', due_at: null }),
    clock({ kind: 'resolution', due_at: null, paused: true, remaining: 2 * 3600 + 5 * 60 }),
  ], 'Cy Dube'),
  row({ id: 5, priority: 'low', channel: 'email', subject: 'Statement copy' }, [
    clock({ due_at: iso(2 * H + 5 * M) }),
  ], 'Di Eze'),
];

describe('Queue', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('renders rows in server order with live SLA badges and the row facts', async () => {
    const calls = mockBackend({ queue_page: () => ({ rows, next: null }) });
    render(<App model={createModel()} />);

    const list = await screen.findByTestId('queue');
    await waitFor(() => expect(within(list).getAllByTestId('queue-row')).toHaveLength(4));
    const shown = within(list).getAllByTestId('queue-row');
    expect(shown.map((r) => r.dataset.caseId)).toEqual(['7', '3', '12', '5']);
    expect(shown.map((r) => r.dataset.priority)).toEqual(['urgent', 'high', 'normal', 'low']);
    expect(shown[0]!.dataset.channel).toBe('x');
    expect(shown[0]!.dataset.dueAt).toBe(rows[0]!.key.due_at);
    expect(shown[2]!.dataset.dueAt).toBe('');

    const badges = shown.map((r) => within(r).getByTestId('sla-badge'));
    expect(badges.map((b) => b.dataset.state)).toEqual(['breached', 'warning', 'paused', 'ok']);
    expect(badges.map((b) => b.textContent)).toEqual([
      '1d 3h over',
      '30m 00s left',
      'Paused · 2h 05m left',
      '2h 05m left',
    ]);
    expect(within(shown[0]!).getByTestId('row-customer').textContent).toBe('Ann Lee');
    expect(within(shown[0]!).getByTestId('row-subject').textContent).toBe('Card declined twice');
    expect(within(shown[1]!).getByTestId('row-channel').textContent).toBe('Phone');
    expect(within(shown[1]!).getByTestId('row-priority').textContent).toBe('High');
    expect(within(shown[0]!).getByTestId('row-age').textContent).toBe('5h 00m');

    // "My cases" asks for the signed-in agent's cases.
    const q = calls.find((c) => c.cmd === 'queue_page')!;
    expect(q.args).toMatchObject({ filter: { assignee: 'sam', queues: null, channels: null }, after: null, limit: 40 });
  });

  it('shows the team queue when nothing is assigned to the agent, until they choose', async () => {
    const calls = mockBackend({
      queue_page: (a) => ({ rows: (a.filter as { assignee: string | null }).assignee ? [] : rows, next: null }),
    });
    render(<App model={createModel()} />);
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(4));
    expect(screen.getByTestId('queue-notice').textContent).toContain('No active cases are assigned to sam');
    expect(screen.getByTestId('queue-team').getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByTestId('queue-mine'));
    await waitFor(() => expect(screen.queryAllByTestId('queue-row')).toHaveLength(0));
    expect(screen.getByText('No active cases are assigned to sam.')).toBeTruthy();
    expect(calls.filter((c) => c.cmd === 'queue_page').map((c) => (c.args.filter as { assignee: unknown }).assignee)).toEqual([
      'sam',
      null,
      'sam',
    ]);
  });

  it('switches to the team queue and filters through the server', async () => {
    const calls = mockBackend({ queue_page: () => ({ rows, next: null }) });
    render(<App model={createModel()} />);
    await screen.findAllByTestId('queue-row');
    fireEvent.click(screen.getByTestId('queue-team'));
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === 'queue_page').at(-1)!.args).toMatchObject({ filter: { assignee: null } }),
    );
    fireEvent.change(screen.getByTestId('filter-channel'), { target: { value: 'x' } });
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === 'queue_page').at(-1)!.args).toMatchObject({
        filter: { assignee: null, channels: ['x'] },
      }),
    );
  });

  it('loads the next page with the cursor', async () => {
    const next = { due_key: 1, priority_rank: 2, id: 5 };
    const calls = mockBackend({
      queue_page: (a) =>
        a.after === null
          ? { rows: rows.slice(0, 2), next }
          : { rows: [row({ id: 99, subject: 'Later' }, [clock()])], next: null },
    });
    render(<App model={createModel()} />);
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(3));
    expect(calls.filter((c) => c.cmd === 'queue_page')[1]!.args.after).toEqual(next);
  });

  it('moves with j/k and opens the customer with Enter', async () => {
    const calls = mockBackend({
      queue_page: () => ({ rows, next: null }),
      customer_overview: () => overview([makeCase({ id: 3, customer_id: 10 })]),
    });
    render(<App model={createModel()} />);
    await screen.findAllByTestId('queue-row');
    fireEvent.keyDown(document.body, { key: 'j' });
    fireEvent.keyDown(document.body, { key: 'j' });
    fireEvent.keyDown(document.body, { key: 'k' });
    expect(screen.getAllByTestId('queue-row')[1]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(document.body, { key: 'Enter' });
    await screen.findByTestId('customer-header');
    expect(calls.find((c) => c.cmd === 'customer_overview')!.args).toEqual({ customer: 10 });
    expect((await screen.findByTestId('case-panel')).dataset.caseId).toBe('3');
  });
});
