import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { emit } from '@tauri-apps/api/event';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import { createModel } from '../../stores/model';
import { demoSession, mockBackend, signedIn, signedOut, syncStatus } from '../../test/fixtures';

describe('Sign-in screen', () => {
  it('on a fresh install asks for the server first, checks it, then asks for the account', async () => {
    let release: (v: unknown) => void = () => {};
    const calls = mockBackend({
      session_info: () => signedOut,
      check_server: () => new Promise((r) => (release = r)),
    });
    render(<App model={createModel()} />);
    await screen.findByTestId('signin-screen');
    expect(screen.queryByTestId('status-bar')).toBeNull();
    expect((screen.getByTestId('signin-server') as HTMLInputElement).value).toBe('');
    expect(document.activeElement).toBe(screen.getByTestId('signin-server'));
    expect(screen.queryByTestId('signin-password')).toBeNull();
    fireEvent.change(screen.getByTestId('signin-server'), { target: { value: ' https://cc.example.com ' } });
    fireEvent.submit(screen.getByTestId('signin-server').closest('form')!);
    await waitFor(() => expect(screen.getByTestId('signin-submit').textContent).toBe('Checking…'));
    expect(calls.find((c) => c.cmd === 'check_server')!.args).toEqual({ server: 'https://cc.example.com' });
    await act(async () => release({ server: 'https://cc.example.com', version: '0.1.0' }));
    expect(screen.getByTestId('signin-server-known').textContent).toContain('https://cc.example.com · Tideline 0.1.0');
    expect(document.activeElement).toBe(screen.getByTestId('signin-username'));
    expect(screen.getByTestId('signin-submit').textContent).toBe('Sign in');
  });

  it('says why an address is not a server to sign in to, and never asks for the password', async () => {
    mockBackend({
      session_info: () => signedOut,
      check_server: () => {
        throw { message: 'https://example.org answered, but it is not a Tideline server (it answered 404 Not Found to /v1/version). Check the address.' };
      },
    });
    render(<App model={createModel()} />);
    await screen.findByTestId('signin-screen');
    fireEvent.change(screen.getByTestId('signin-server'), { target: { value: 'https://example.org' } });
    fireEvent.click(screen.getByTestId('signin-submit'));
    expect((await screen.findByTestId('signin-error')).textContent).toContain('is not a Tideline server');
    expect(screen.queryByTestId('signin-password')).toBeNull();
    expect(screen.getByTestId('signin-submit').textContent).toBe('Continue');
  });

  it('goes straight to the account with a server set by IT, which cannot be changed', async () => {
    mockBackend({ session_info: () => ({ ...signedOut, configured_server: 'https://tideline.bank.example', last_server: 'https://tideline.bank.example' }) });
    render(<App model={createModel()} />);
    await screen.findByTestId('signin-screen');
    expect(screen.getByTestId('signin-server-known').textContent).toContain('https://tideline.bank.example · set by your IT team');
    expect(screen.queryByTestId('signin-change-server')).toBeNull();
    expect(screen.queryByTestId('signin-server')).toBeNull();
  });

  it('opens the demo only when asked to', async () => {
    let info = signedOut;
    const calls = mockBackend({
      session_info: () => info,
      explore_demo: () => {
        info = demoSession;
        return demoSession;
      },
    });
    render(<App model={createModel()} />);
    await screen.findByTestId('signin-screen');
    expect(calls.some((c) => c.cmd === 'explore_demo')).toBe(false);
    fireEvent.click(screen.getByTestId('signin-demo'));
    await screen.findByTestId('status-bar');
    expect(screen.queryByTestId('signin-screen')).toBeNull();
  });

  it('prefills the last sign-in and says why the session ended', async () => {
    mockBackend({
      session_info: () => ({ ...signedOut, last_server: 'http://10.0.0.5:7420', last_username: 'kim', message: 'Your session has ended: sign in again.' }),
    });
    render(<App model={createModel()} />);
    await screen.findByTestId('signin-screen');
    expect(screen.getByTestId('signin-server-known').textContent).toContain('http://10.0.0.5:7420');
    expect((screen.getByTestId('signin-username') as HTMLInputElement).value).toBe('kim');
    expect(document.activeElement).toBe(screen.getByTestId('signin-password'));
    expect(screen.getByTestId('signin-error').textContent).toBe('Your session has ended: sign in again.');
  });

  it('signs in on Enter, shows a busy state, then opens the console', async () => {
    let release: (v: unknown) => void = () => {};
    const calls = mockBackend({
      session_info: () => ({ ...signedOut, last_server: 'http://127.0.0.1:7420' }),
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
      session_info: () => ({ ...signedOut, last_server: 'http://127.0.0.1:7420' }),
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
    const calls = mockBackend({ session_info: () => ({ ...signedOut, last_server: 'http://127.0.0.1:7420' }) });
    render(<App model={createModel()} />);
    await screen.findByTestId('signin-screen');
    fireEvent.click(screen.getByTestId('signin-submit'));
    expect((await screen.findByTestId('signin-error')).textContent).toBe('Enter your username');
    expect(calls.some((c) => c.cmd === 'sign_in')).toBe(false);
    // Nor is an empty server address checked.
    fireEvent.click(screen.getByTestId('signin-change-server'));
    fireEvent.change(screen.getByTestId('signin-server'), { target: { value: ' ' } });
    fireEvent.click(screen.getByTestId('signin-submit'));
    expect((await screen.findByTestId('signin-error')).textContent).toBe('Enter the server address your IT team gave you');
    expect(calls.some((c) => c.cmd === 'check_server')).toBe(false);
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
