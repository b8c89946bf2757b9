import { useState, type FormEvent } from 'react';
import { useModel } from '../../stores/context';
import { DEFAULT_SERVER } from '../../stores/session';
import { useStore } from '../../stores/store';

/** The whole window while signed out: server, username, password; Enter signs in. */
export function SignInScreen() {
  const m = useModel();
  const info = useStore(m.session, (s) => s.info);
  const busy = useStore(m.session, (s) => s.signInBusy);
  const error = useStore(m.session, (s) => s.signInError);
  const [server, setServer] = useState(info?.last_server ?? DEFAULT_SERVER);
  const [username, setUsername] = useState(info?.last_username ?? '');
  const [password, setPassword] = useState('');
  const message = error ?? info?.message ?? null;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void m.signIn(server, username, password).then((ok) => {
      if (!ok) setPassword('');
    });
  };

  return (
    <main className="signin" data-testid="signin-screen" aria-labelledby="signin-title">
      <form className="signin-card" onSubmit={submit} noValidate aria-busy={busy}>
        <div className="brand signin-brand">
          <span className="brand-mark" aria-hidden="true" />
          Tideline
        </div>
        <h1 id="signin-title" className="signin-title">
          Sign in
        </h1>
        <label className="field">
          <span className="field-label">Server</span>
          <input
            type="url"
            name="server"
            data-testid="signin-server"
            value={server}
            readOnly={busy}
            autoComplete="url"
            spellCheck={false}
            onChange={(e) => setServer(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Username</span>
          <input
            type="text"
            name="username"
            data-testid="signin-username"
            value={username}
            readOnly={busy}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus={username === ''}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input
            type="password"
            name="password"
            data-testid="signin-password"
            value={password}
            readOnly={busy}
            autoComplete="current-password"
            autoFocus={username !== ''}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {message && (
          <p className="form-error" data-testid="signin-error" role="alert">
            {message}
          </p>
        )}
        <button type="submit" className="btn btn--primary signin-submit" data-testid="signin-submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted hint">Your password is sent to the server only; the console keeps a session token in the system keyring.</p>
      </form>
    </main>
  );
}
