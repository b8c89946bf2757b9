import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { emit } from '@tauri-apps/api/event';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import { createModel } from '../../stores/model';
import { mockBackend, signedIn, signedOut, syncStatus } from '../../test/fixtures';

describe('Sign-in screen', () => {
  it('shows instead of the console when signed out, with the server prefilled', async () => {
    mockBackend({ session_info: () => signedOut });
    render(<App model={createModel()} />);
    await screen.findByTestId('signin-screen');
    expect(screen.queryByTestId('status-bar')).toBeNull();
    expect((screen.getByTestId('signin-server') as HTMLInputElement).value).toBe('http://127.0.0.1:7420');
    expect(document.activeElement).toBe(screen.getByTestId('signin-username'));
  });

  it('prefills the last sign-in and says why the session ended', async () => {
    mockBackend({
      session_info: () => ({ ...signedOut, last_server: 'http://10.0.0.5:7420', last_username: 'kim', message: 'Your session has ended: sign in again.' }),
    });
    render(<App model={createModel()} />);
    await screen.findByTestId('signin-screen');
    expect((screen.getByTestId('signin-server') as HTMLInputElement).value).toBe('http://10.0.0.5:7420');
    expect((screen.getByTestId('signin-username') as HTMLInputElement).value).toBe('kim');
    expect(document.activeElement).toBe(screen.getByTestId('signin-password'));
    expect(screen.getByTestId('signin-error').textContent).toBe('Your session has ended: sign in again.');
  });

  it('signs in on Enter, shows a busy state, then opens the console', async () => {
    let release: (v: unknown) => void = () => {};
    const calls = mockBackend({
      session_info: () => signedOut,
      sign_in: () => new Promise((r) => (release = r)),
      sync_status: () => syncStatus({ initial_sync_done: false, cursor: 0 }),
    });
    render(<App model={createModel()} />);
    await screen.findByTestId('signin-screen');
    fireEvent.change(screen.getByTestId('signin-username'), { target: { value: ' kim ' } });
    fireEvent.change(screen.getByTestId('signin-password'), { target: { value: 'pw1' } });
    // Enter in a field submits the form.
    fireEvent.submit(screen.getByTestId('signin-password').closest('form')!);
    await waitFor(() => expect(screen.getByTestId('signin-submit').textContent).toBe('Signing in…'));
    expect((screen.getByTestId('signin-submit') as HTMLButtonElement).disabled).toBe(true);
    expect(calls.find((c) => c.cmd === 'sign_in')!.args).toEqual({ server: 'http://127.0.0.1:7420', username: 'kim', password: 'pw1' });
    await act(async () => release(signedIn));
    await screen.findByTestId('status-bar');
    expect(screen.queryByTestId('signin-screen')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('status-user').textContent).toBe('Signed in as Kim Lee'));
    expect(screen.getByTestId('status-syncing').textContent).toContain('Syncing your cases');
  });

  it('shows a refusal in plain words and clears the password', async () => {
    mockBackend({
      session_info: () => signedOut,
      sign_in: () => {
        throw { message: 'Wrong username or password.' };
      },
    });
    render(<App model={createModel()} />);
    await screen.findByTestId('signin-screen');
    fireEvent.change(screen.getByTestId('signin-username'), { target: { value: 'kim' } });
    fireEvent.change(screen.getByTestId('signin-password'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByTestId('signin-submit'));
    expect((await screen.findByTestId('signin-error')).textContent).toBe('Wrong username or password.');
    expect((screen.getByTestId('signin-password') as HTMLInputElement).value).toBe('');
    expect(screen.getByTestId('signin-submit').textContent).toBe('Sign in');
  });

  it('asks for what is missing without calling the backend', async () => {
    const calls = mockBackend({ session_info: () => signedOut });
    render(<App model={createModel()} />);
    await screen.findByTestId('signin-screen');
    fireEvent.click(screen.getByTestId('signin-submit'));
    expect((await screen.findByTestId('signin-error')).textContent).toBe('Enter your username');
    expect(calls.some((c) => c.cmd === 'sign_in')).toBe(false);
  });

  it('returns to the sign-in screen when the server ends the session', async () => {
    let info = signedIn;
    mockBackend({ session_info: () => info, sync_status: () => syncStatus() });
    render(<App model={createModel()} />);
    await waitFor(() => expect(screen.getByTestId('status-user').textContent).toBe('Signed in as Kim Lee'));
    info = { ...signedOut, last_username: 'kim' };
    await act(() => emit('sync:signed_out', { message: 'Your session was revoked: sign in again.' }));
    expect((await screen.findByTestId('signin-error')).textContent).toBe('Your session was revoked: sign in again.');
  });
});
