import { useModel } from '../../stores/context';
import { useStore } from '../../stores/store';

/** "3 changes waiting to sync", or that everything is synced. */
export function pendingText(n: number): string {
  if (n === 0) return 'All changes synced';
  return `${n} ${n === 1 ? 'change' : 'changes'} waiting to sync`;
}

export function StatusBar() {
  const m = useModel();
  const status = useStore(m.session, (s) => s.status);
  const error = useStore(m.session, (s) => s.statusError);
  const info = useStore(m.session, (s) => s.info);
  const sync = useStore(m.session, (s) => s.sync);
  const signingOut = useStore(m.session, (s) => s.signOutBusy);
  const signedIn = info?.mode === 'signed_in';
  const online = signedIn && sync ? sync.online : (status?.online ?? false);
  const known = status !== null || (signedIn && sync !== null);
  const pending = signedIn && sync ? sync.pending : (status?.pending ?? 0);
  const syncing = signedIn && sync !== null && !sync.initial_sync_done;
  const who = signedIn ? (info?.user?.display_name ?? status?.user) : status?.user;

  return (
    <footer className="status-bar" data-testid="status-bar" role="status">
      <span
        className={`status-online ${online ? 'is-online' : 'is-offline'}`}
        data-testid="status-online"
        data-online={known ? String(online) : ''}
        title={signedIn && sync?.last_error ? sync.last_error : undefined}
      >
        <span className="dot" aria-hidden="true" />
        {known ? (online ? 'Online' : 'Offline') : 'Connecting…'}
      </span>
      {syncing ? (
        <span className="status-syncing" data-testid="status-syncing">
          <span className="spinner" aria-hidden="true" />
          Syncing your cases…{(sync?.cursor ?? 0) > 0 ? ` (${(sync?.cursor ?? 0).toLocaleString()} changes so far)` : ''}
        </span>
      ) : (
        <span className="status-pending" data-testid="status-pending" data-pending={pending}>
          {pendingText(pending)}
        </span>
      )}
      {status?.demo && <span className="tag tag--demo">Demo data</span>}
      {signedIn && sync?.last_error && !online && (
        <span className="status-error" data-testid="status-sync-error">
          {sync.last_error}
        </span>
      )}
      {error && <span className="status-error">{error}</span>}
      <span className="spacer" />
      <span data-testid="status-user">{who ? `Signed in as ${who}` : ''}</span>
      {signedIn && (
        <button
          type="button"
          className="btn btn--link status-signout"
          data-testid="status-signout"
          disabled={signingOut}
          onClick={() => void m.signOut()}
        >
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      )}
    </footer>
  );
}
