import type { Notice } from '../../api/types';
import { formatWhen } from '../../lib/format';
import { useModel } from '../../stores/context';
import { useStore } from '../../stores/store';

/** What sync had to say, in plain words, until the agent dismisses it. */
export function NoticesArea() {
  const { notices } = useModel();
  const items = useStore(notices, (s) => s.items);
  if (items.length === 0) return null;
  return (
    <section className="notices" data-testid="notices" aria-label="Notices" aria-live="polite">
      <ul className="notice-list">
        {items.map((n) => (
          <NoticeLine key={n.id} notice={n} onDismiss={() => void notices.dismiss([n.id])} />
        ))}
      </ul>
      {items.length > 1 && (
        <button type="button" className="btn btn--ghost" data-testid="notices-dismiss-all" onClick={() => void notices.dismissAll()}>
          Dismiss all ({items.length})
        </button>
      )}
    </section>
  );
}

export function NoticeLine({ notice, onDismiss }: { notice: Notice; onDismiss?: () => void }) {
  return (
    <li className={`notice notice--${notice.kind} ${notice.seen ? 'is-seen' : ''}`} data-testid="notice" data-id={notice.id} data-kind={notice.kind}>
      <span className="notice-time muted">{formatWhen(notice.at, Date.now())}</span>
      <span className="notice-text">{notice.message}</span>
      {onDismiss && !notice.seen && (
        <button type="button" className="btn btn--ghost btn--small" data-testid="notice-dismiss" onClick={onDismiss} aria-label={`Dismiss: ${notice.message}`}>
          Dismiss
        </button>
      )}
    </li>
  );
}
