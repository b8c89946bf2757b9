import { useModel } from '../../stores/context';
import { useStore } from '../../stores/store';

export function StatusBar() {
  const { session } = useModel();
  const status = useStore(session, (s) => s.status);
  const error = useStore(session, (s) => s.statusError);
  const pending = status?.pending ?? 0;
  return (
    <footer className="status-bar" data-testid="status-bar" role="status">
      <span
        className={`status-online ${status?.online ? 'is-online' : 'is-offline'}`}
        data-testid="status-online"
        data-online={status ? String(status.online) : ''}
      >
        <span className="dot" aria-hidden="true" />
        {status ? (status.online ? 'Online' : 'Offline') : 'Connecting…'}
      </span>
      <span className="status-pending" data-testid="status-pending" data-pending={pending}>
        {pending} {pending === 1 ? 'change' : 'changes'} pending sync
      </span>
      {status?.demo && <span className="tag tag--demo">Demo data</span>}
      {error && <span className="status-error">{error}</span>}
      <span className="spacer" />
      <span data-testid="status-user">{status ? `Signed in as ${status.user}` : ''}</span>
    </footer>
  );
}
