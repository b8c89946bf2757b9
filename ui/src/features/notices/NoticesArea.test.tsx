import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { emit } from '@tauri-apps/api/event';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import type { Notice } from '../../api/types';
import { createModel } from '../../stores/model';
import { makeCase, mockBackend, notice, overview, signedIn, syncStatus } from '../../test/fixtures';

describe('Notices', () => {
  it('lists conflicts in plain words and keeps each until it is dismissed', async () => {
    let unseen: Notice[] = [notice({ id: 1 })];
    const calls = mockBackend({
      session_info: () => signedIn,
      sync_status: () => syncStatus(),
      notices: (a) => (a.caseId == null ? unseen : []),
      dismiss_notices: (a) => {
        const ids = a.ids as number[];
        unseen = unseen.filter((n) => !ids.includes(n.id));
        return null;
      },
    });
    render(<App model={createModel()} />);
    const first = await screen.findByTestId('notice');
    expect(first.textContent).toContain('Sam Patel resolved CS-1 while you were offline; your reply was kept as an internal note.');

    // A sync brings a second one; a later list without the first does not drop it.
    unseen = [notice({ id: 2, case_id: 3, kind: 'rejected', message: 'Kim Lee already assigned CS-3 to the loans queue; your assignment was not applied.' })];
    await act(() => emit('sync:notices', 1));
    await waitFor(() => expect(screen.getAllByTestId('notice')).toHaveLength(2));
    expect(screen.getAllByTestId('notice').map((n) => n.dataset.id)).toEqual(['1', '2']);

    fireEvent.click(within(screen.getAllByTestId('notice')[0]!).getByTestId('notice-dismiss'));
    await waitFor(() => expect(screen.getAllByTestId('notice')).toHaveLength(1));
    expect(calls.filter((c) => c.cmd === 'dismiss_notices').map((c) => c.args)).toEqual([{ ids: [1] }]);
    expect(screen.getByTestId('notice').dataset.id).toBe('2');
  });

  it('dismisses all at once', async () => {
    const calls = mockBackend({
      session_info: () => signedIn,
      sync_status: () => syncStatus(),
      notices: (a) => (a.caseId == null ? [notice({ id: 1 }), notice({ id: 2 })] : []),
    });
    render(<App model={createModel()} />);
    fireEvent.click(await screen.findByTestId('notices-dismiss-all'));
    await waitFor(() => expect(screen.queryByTestId('notices')).toBeNull());
    expect(calls.filter((c) => c.cmd === 'dismiss_notices').map((c) => c.args)).toEqual([{ ids: [1, 2] }]);
  });

  it('shows the open case’s notices in the case panel', async () => {
    const calls = mockBackend({
      session_info: () => signedIn,
      sync_status: () => syncStatus(),
      customer_overview: () => overview([makeCase({ id: 1 })]),
      notices: (a) => (a.caseId === 1 ? [notice({ id: 5, seen: true, message: 'Your reply was kept as an internal note.' })] : []),
    });
    const model = createModel();
    render(<App model={model} />);
    await waitFor(() => expect(model.session.signedIn).toBe(true));
    act(() => model.openCustomer(10, 1));
    const list = await screen.findByTestId('case-notices');
    expect(within(list).getByTestId('notice').textContent).toContain('Your reply was kept as an internal note.');
    // Already seen: shown, with nothing to dismiss.
    expect(within(list).queryByTestId('notice-dismiss')).toBeNull();
    expect(calls.filter((c) => c.cmd === 'notices').map((c) => c.args.caseId)).toContain(1);
  });
});
