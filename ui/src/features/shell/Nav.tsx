import { useModel } from '../../stores/context';
import { useStore } from '../../stores/store';

export function Nav() {
  const m = useModel();
  const route = useStore(m.nav, (s) => s.route.name);
  const unlinkedCount = useStore(m.unlinked, (s) => (s.loaded ? s.items.length : null));
  const hasMore = useStore(m.unlinked, (s) => s.next !== null);
  const theme = useStore(m.ui, (s) => s.theme);
  return (
    <nav className="nav" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Tideline
      </div>
      <button
        type="button"
        className={`nav-item ${route === 'queue' ? 'is-active' : ''}`}
        aria-current={route === 'queue' ? 'page' : undefined}
        data-testid="nav-queue"
        onClick={() => m.goQueue()}
        title="Queue (g q)"
      >
        <span>Queue</span>
        <kbd>g q</kbd>
      </button>
      <button
        type="button"
        className={`nav-item ${route === 'unlinked' ? 'is-active' : ''}`}
        aria-current={route === 'unlinked' ? 'page' : undefined}
        data-testid="nav-unlinked"
        onClick={() => m.goUnlinked()}
        title="Unlinked contacts (g u)"
      >
        <span>Unlinked</span>
        {unlinkedCount !== null && unlinkedCount > 0 ? (
          <span className="nav-count">
            {unlinkedCount}
            {hasMore ? '+' : ''}
          </span>
        ) : (
          <kbd>g u</kbd>
        )}
      </button>
      {route === 'customer' && (
        <div className="nav-item nav-item--static is-active" aria-current="page">
          Customer
        </div>
      )}
      <span className="spacer" />
      <button type="button" className="nav-item nav-item--quiet" onClick={() => m.ui.open('palette')}>
        <span>Search</span>
        <kbd>Ctrl K</kbd>
      </button>
      <button type="button" className="nav-item nav-item--quiet" onClick={() => m.ui.open('help')}>
        <span>Shortcuts</span>
        <kbd>?</kbd>
      </button>
      <button
        type="button"
        className="nav-item nav-item--quiet"
        data-testid="theme-toggle"
        onClick={() => m.ui.toggleTheme()}
        title={theme === 'system' ? 'Theme follows the system' : `Theme: ${theme}`}
      >
        <span>{m.ui.effectiveTheme() === 'dark' ? 'Light theme' : 'Dark theme'}</span>
      </button>
    </nav>
  );
}
