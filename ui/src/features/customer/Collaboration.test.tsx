import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { emit } from '@tauri-apps/api/event';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import type { TimelinePage } from '../../api/types';
import { createModel } from '../../stores/model';
import { clock, makeCase, mockBackend, mutations, overview, row, signedIn, syncStatus, touchpoint } from '../../test/fixtures';

async function openSignedIn(handlers: Parameters<typeof mockBackend>[0] = {}) {
  const calls = mockBackend({
    session_info: () => signedIn,
    sync_status: () => syncStatus(),
    customer_overview: () => overview([makeCase({ id: 1, customer_id: 10, status: 'open' })]),
    ...handlers,
  });
  const model = createModel();
  render(<App model={model} />);
  await waitFor(() => expect(model.session.signedIn).toBe(true));
  act(() => model.openCustomer(10, 1));
  const panel = await screen.findByTestId('case-panel');
  return { calls, model, panel };
}

const presenceCalls = (calls: { cmd: string; args: Record<string, unknown> }[]) =>
  calls.filter((c) => c.cmd === 'set_presence').map((c) => c.args);

describe('Presence', () => {
  it('shows who else is on the case, live', async () => {
    const { panel } = await openSignedIn();
    expect(within(panel).queryByTestId('presence-chip')).toBeNull();
    await act(() =>
      emit('sync:presence', {
        case_id: 1,
        people: [
          { username: 'kim', display_name: 'Kim Lee', activity: 'viewing' },
          { username: 'sam', display_name: 'Sam Patel', activity: 'replying' },
        ],
      }),
    );
    expect(within(panel).getAllByTestId('presence-chip').map((c) => c.textContent)).toEqual([
      'Kim Lee is viewing',
      'Sam Patel is replying',
    ]);
    // Another case's presence does not show here; an empty list clears the chips.
    await act(() => emit('sync:presence', { case_id: 2, people: [{ username: 'ola', display_name: 'Ola N', activity: 'viewing' }] }));
    expect(within(panel).getAllByTestId('presence-chip')).toHaveLength(2);
    await act(() => emit('sync:presence', { case_id: 1, people: [] }));
    expect(within(panel).queryByTestId('presence-chip')).toBeNull();
  });

  it('tells the server when a case is opened, replied to and left', async () => {
    const { calls, model } = await openSignedIn();
    await waitFor(() => expect(presenceCalls(calls)).toEqual([{ caseId: 1, activity: 'viewing' }]));
    fireEvent.click(screen.getByTestId('action-reply'));
    const text = await screen.findByTestId('compose-text');
    fireEvent.focus(text);
    fireEvent.blur(text);
    act(() => model.goQueue());
    await waitFor(() =>
      expect(presenceCalls(calls)).toEqual([
        { caseId: 1, activity: 'viewing' },
        { caseId: 1, activity: 'replying' },
        { caseId: 1, activity: 'viewing' },
        { caseId: null, activity: 'viewing' },
      ]),
    );
  });

  it('sends nothing in demo mode', async () => {
    const calls = mockBackend({ customer_overview: () => overview([makeCase({ id: 1 })]) });
    const model = createModel();
    render(<App model={model} />);
    act(() => model.openCustomer(10, 1));
    await screen.findByTestId('case-panel');
    expect(presenceCalls(calls)).toEqual([]);
  });
});

describe('Traffic cop', () => {
  async function writeReply(handlers: Parameters<typeof mockBackend>[0]) {
    const opened = await openSignedIn(handlers);
    fireEvent.click(screen.getByTestId('action-reply'));
    fireEvent.change(await screen.findByTestId('compose-text'), { target: { value: 'Your new card is on its way' } });
    fireEvent.click(screen.getByTestId('compose-submit'));
    return opened;
  }

  it('sends at once when nothing happened since the case was opened', async () => {
    const { calls } = await writeReply({ traffic_check: () => [] });
    await waitFor(() => expect(mutations(calls)).toHaveLength(1));
    expect(screen.queryByTestId('traffic-cop')).toBeNull();
    const check = calls.find((c) => c.cmd === 'traffic_check')!.args as { caseId: number; since: { version: number } };
    expect(check.caseId).toBe(1);
    expect(check.since.version).toBe(7);
    expect(calls.find((c) => c.cmd === 'apply_mutation')!.args.basis).toBe(7);
  });

  it('asks first when a colleague replied, and sends anyway on request', async () => {
    const { calls } = await writeReply({ traffic_check: () => ['Kim Lee replied at 14:05', 'The customer wrote again at 14:07'] });
    const dialog = await screen.findByTestId('traffic-cop');
    expect(dialog.getAttribute('role')).toBe('dialog');
    expect(dialog.textContent).toContain('Since you opened this case:');
    expect(within(dialog).getByTestId('traffic-news').textContent).toBe('Kim Lee replied at 14:05The customer wrote again at 14:07');
    expect(mutations(calls)).toEqual([]);
    // Keyboard: the safe choice has focus; Tab reaches "Send anyway".
    expect(document.activeElement).toBe(within(dialog).getByTestId('traffic-review'));
    fireEvent.click(within(dialog).getByTestId('traffic-send'));
    await waitFor(() => expect(mutations(calls)).toHaveLength(1));
    expect(mutations(calls)[0]).toEqual({ type: 'case', case_id: 1, action: { type: 'reply', body: 'Your new card is on its way' } });
    expect(screen.queryByTestId('traffic-cop')).toBeNull();
  });

  it('goes back to the reply on Review or Escape, keeping the text', async () => {
    const { calls } = await writeReply({ traffic_check: () => ['Kim Lee replied at 14:05'] });
    await screen.findByTestId('traffic-cop');
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('traffic-cop')).toBeNull());
    expect((screen.getByTestId('compose-text') as HTMLTextAreaElement).value).toBe('Your new card is on its way');
    fireEvent.click(screen.getByTestId('compose-submit'));
    fireEvent.click(within(await screen.findByTestId('traffic-cop')).getByTestId('traffic-review'));
    await waitFor(() => expect(screen.queryByTestId('traffic-cop')).toBeNull());
    expect(mutations(calls)).toEqual([]);
    expect(screen.getByTestId('reply-form')).toBeTruthy();
  });
});

describe('Live refresh', () => {
  it('refreshes the open customer and the queue on sync:changed, without a reload', async () => {
    let page: TimelinePage = { items: [{ item: 'touchpoint', ...touchpoint({ id: 100, customer_id: 10, case_id: 1 }) }], next: null };
    let status: 'open' | 'resolved' = 'open';
    const calls = mockBackend({
      session_info: () => signedIn,
      sync_status: () => syncStatus(),
      customer_overview: () => overview([makeCase({ id: 1, customer_id: 10, status })]),
      timeline_page: () => page,
    });
    const model = createModel();
    render(<App model={model} />);
    act(() => model.openCustomer(10, 1));
    await screen.findAllByTestId('timeline-item');
    page = {
      items: [{ item: 'touchpoint', ...touchpoint({ id: 101, customer_id: 10, case_id: 1, summary: 'Wrote again' }) }, ...page.items],
      next: null,
    };
    status = 'resolved';
    const before = calls.length;
    // Another customer's change does not touch this view.
    await act(() => emit('sync:changed', { cases: [], customers: [99], everything: false }));
    expect(calls.slice(before).some((c) => c.cmd === 'customer_overview')).toBe(false);
    await act(() => emit('sync:changed', { cases: [1], customers: [], everything: false }));
    await waitFor(() => expect(screen.getByTestId('case-panel').dataset.status).toBe('resolved'));
    await waitFor(() => expect(screen.getAllByTestId('timeline-item').map((i) => i.dataset.id)).toEqual(['101', '100']));
  });
});

describe('Live queue', () => {
  it('updates the queue in place on sync:changed, keeping what is loaded and selected', async () => {
    let rows = [row({ id: 1, subject: 'Card declined' }, [clock()]), row({ id: 2, subject: 'Lost card' }, [clock()])];
    const calls = mockBackend({
      session_info: () => signedIn,
      sync_status: () => syncStatus(),
      app_status: () => ({ online: true, pending: 0, user: 'kim', demo: false }),
      queue_page: () => ({ rows, next: null }),
    });
    const model = createModel();
    render(<App model={model} />);
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(2));
    act(() => model.queue.select(1));
    rows = [row({ id: 3, subject: 'Charged twice' }, [clock()]), ...rows];
    const before = calls.filter((c) => c.cmd === 'queue_page').length;
    await act(() => emit('sync:changed', { cases: [3], customers: [10], everything: false }));
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(3));
    expect(calls.filter((c) => c.cmd === 'queue_page').length).toBe(before + 1);
    expect(model.queue.selectedRow()?.case.id).toBe(2);
  });
});
