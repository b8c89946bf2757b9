import { useState, type FormEvent } from 'react';
import { useModel } from '../../stores/context';
import { useStore } from '../../stores/store';

/**
 * The whole window while signed out, in two steps. First the server: its address is
 * checked (it must answer as Tideline) before any password is asked for; an address
 * the IT team configured, or the last one used, skips this step. Then username and
 * password; Enter signs in. The demo is a separate, explicit choice.
 */
export function SignInScreen() {
  const m = useModel();
  const info = useStore(m.session, (s) => s.info);
  const checked = useStore(m.session, (s) => s.checked);
  const busy = useStore(m.session, (s) => s.signInBusy || s.checkBusy);
  const error = useStore(m.session, (s) => s.signInError);
  const configured = info?.configured_server ?? null;
  const known = configured ?? checked?.server ?? info?.last_server ?? null;
  const [server, setServer] = useState(known ?? '');
  const [username, setUsername] = useState(info?.last_username ?? '');
  const [password, setPassword] = useState('');
  const [changing, setChanging] = useState(false);
  const message = error ?? info?.message ?? null;
  const askServer = configured === null && (changing || known === null);

  const submitServer = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void m.session.checkServer(server).then((ok) => {
      if (ok) setChanging(false);
    });
  };
  const submitAccount = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void m.signIn(known ?? server, username, password).then((ok) => {
      if (!ok) setPassword('');
    });
  };
  const change = () => {
    m.session.changeServer();
    setServer(known ?? '');
    setChanging(true);
  };

  return (
    <main className="signin" data-testid="signin-screen" aria-labelledby="signin-title">
      <form className="signin-card" onSubmit={askServer ? submitServer : submitAccount} noValidate aria-busy={busy}>
        <div className="brand signin-brand">
          <span className="brand-mark" aria-hidden="true" />
          Tideline
        </div>
        <h1 id="signin-title" className="signin-title">
          {askServer ? 'Connect to your contact centre' : 'Sign in'}
        </h1>
        {askServer ? (
          <label className="field">
            <span className="field-label">Server address</span>
            <input
              type="url"
              name="server"
              data-testid="signin-server"
              value={server}
              readOnly={busy}
              placeholder="https://tideline.example.com"
              autoComplete="url"
              spellCheck={false}
              autoFocus
              onChange={(e) => setServer(e.target.value)}
            />
          </label>
        ) : (
          <p className="signin-server" data-testid="signin-server-known">
            <span className="muted">Server</span> <strong>{known}</strong>
            {checked && checked.server === known && <span className="muted"> · Tideline {checked.version}</span>}
            {configured ? (
              <span className="muted"> · set by your IT team</span>
            ) : (
              <button type="button" className="btn btn--link" data-testid="signin-change-server" onClick={change} disabled={busy}>
                Change
              </button>
            )}
          </p>
        )}
        {!askServer && (
          <>
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
          </>
        )}
        {message && (
          <p className="form-error" data-testid="signin-error" role="alert">
            {message}
          </p>
        )}
        <button type="submit" className="btn btn--primary signin-submit" data-testid="signin-submit" disabled={busy}>
          {askServer ? (busy ? 'Checking…' : 'Continue') : busy ? 'Signing in…' : 'Sign in'}
        </button>
        {askServer ? (
          <p className="muted hint">Your IT team gives you this address. The console checks that it is a Tideline server before asking for your password.</p>
        ) : (
          <p className="muted hint">Your password is sent to the server only; the console keeps a session token in the system keyring.</p>
        )}
        <button type="button" className="btn signin-demo" data-testid="signin-demo" onClick={() => void m.exploreDemo()} disabled={busy}>
          Explore with demo data
        </button>
      </form>
    </main>
  );
}
