import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { emit } from '@tauri-apps/api/event';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import { createModel } from '../../stores/model';
import { mockBackend, signedIn, signedOut, status, syncStatus } from '../../test/fixtures';

describe('Status bar', () => {
  it('shows the demo as offline with nothing to sync and no sign-out', async () => {
    mockBackend();
    render(<App model={createModel()} />);
    await waitFor(() => expect(screen.getByTestId('status-online').dataset.online).toBe('false'));
    expect(screen.getByTestId('status-online').textContent).toBe('Offline');
    expect(screen.getByTestId('status-pending').textContent).toBe('All changes synced');
    expect(screen.getByTestId('status-user').textContent).toBe('Signed in as sam');
    expect(screen.queryByTestId('status-signout')).toBeNull();
  });

  it('counts what waits to sync and follows the sync events', async () => {
    mockBackend({
      session_info: () => signedIn,
      app_status: () => ({ ...status, user: 'kim', demo: false }),
      sync_status: () => syncStatus({ online: false, pending: 3, last_error: 'The server at http://127.0.0.1:7420 does not answer.' }),
    });
    render(<App model={createModel()} />);
    await waitFor(() => expect(screen.getByTestId('status-pending').textContent).toBe('3 changes waiting to sync'));
    expect(screen.getByTestId('status-online').textContent).toBe('Offline');
    expect(screen.getByTestId('status-sync-error').textContent).toContain('does not answer');
    await act(() => emit('sync:status', syncStatus({ online: true, pending: 1 })));
    expect(screen.getByTestId('status-online').textContent).toBe('Online');
    expect(screen.getByTestId('status-pending').textContent).toBe('1 change waiting to sync');
    expect(screen.getByTestId('status-pending').dataset.pending).toBe('1');
    expect(screen.queryByTestId('status-sync-error')).toBeNull();
  });

  it('shows progress during the initial sync', async () => {
    mockBackend({ session_info: () => signedIn, sync_status: () => syncStatus({ initial_sync_done: false, cursor: 0 }) });
    render(<App model={createModel()} />);
    const syncing = await screen.findByTestId('status-syncing');
    expect(syncing.textContent).toBe('Syncing your cases…');
    await act(() => emit('sync:status', syncStatus({ initial_sync_done: false, cursor: 2500 })));
    expect(screen.getByTestId('status-syncing').textContent).toContain('2,500 changes so far');
    await act(() => emit('sync:status', syncStatus({ initial_sync_done: true, cursor: 4000 })));
    expect(screen.queryByTestId('status-syncing')).toBeNull();
    expect(screen.getByTestId('status-pending').textContent).toBe('All changes synced');
  });

  it('signs out from the status bar and from the palette', async () => {
    let info = signedIn;
    const calls = mockBackend({
      session_info: () => info,
      sync_status: () => syncStatus(),
      sign_out: () => {
        info = { ...signedOut, last_server: 'http://127.0.0.1:7420', last_username: 'kim' };
        return info;
      },
    });
    const model = createModel();
    const { unmount } = render(<App model={model} />);
    fireEvent.click(await screen.findByTestId('status-signout'));
    await screen.findByTestId('signin-screen');
    expect(calls.filter((c) => c.cmd === 'sign_out')).toHaveLength(1);
    expect((screen.getByTestId('signin-username') as HTMLInputElement).value).toBe('kim');
    unmount();

    info = signedIn;
    render(<App model={createModel()} />);
    await screen.findByTestId('status-signout');
    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true });
    fireEvent.change(await screen.findByTestId('palette-input'), { target: { value: 'sign out' } });
    const entry = screen.getAllByTestId('palette-result').find((r) => r.dataset.id === 'sign-out')!;
    fireEvent.click(entry);
    await screen.findByTestId('signin-screen');
    expect(calls.filter((c) => c.cmd === 'sign_out')).toHaveLength(2);
  });
});
