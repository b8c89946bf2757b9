import { useEffect, useLayoutEffect, useMemo } from 'react';
import { ToastHost } from './components/Toast';
import { CustomerView } from './features/customer/CustomerView';
import { HelpOverlay } from './features/help/HelpOverlay';
import { NoticesArea } from './features/notices/NoticesArea';
import { CommandPalette } from './features/palette/CommandPalette';
import { QueueView } from './features/queue/QueueView';
import { SignInScreen } from './features/session/SignInScreen';
import { Nav } from './features/shell/Nav';
import { StatusBar } from './features/shell/StatusBar';
import { appShortcuts } from './features/shell/shortcuts';
import { UnlinkedView } from './features/unlinked/UnlinkedView';
import { Keymap } from './lib/keyboard';
import { ModelContext, useModel } from './stores/context';
import { createModel, type Model } from './stores/model';
import { useStore } from './stores/store';

export function App({ model }: { model?: Model }) {
  const m = useMemo(() => model ?? createModel(), [model]);
  return (
    <ModelContext.Provider value={m}>
      <Shell />
    </ModelContext.Provider>
  );
}

function Shell() {
  const m = useModel();
  const route = useStore(m.nav, (s) => s.route);
  const overlay = useStore(m.ui, (s) => s.overlay);
  const theme = useStore(m.ui, (s) => s.theme);
  const signedOut = useStore(m.session, (s) => s.info?.mode === 'signed_out');

  useEffect(() => m.start(), [m]);
  useEffect(() => new Keymap(appShortcuts(m)).attach(window), [m]);

  // Theme: "system" leaves it to prefers-color-scheme in the CSS.
  useLayoutEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', theme);
  }, [theme]);

  // Until the session is known the shell shows (demo mode needs no sign-in).
  if (signedOut) return <SignInScreen />;

  return (
    <div className="app">
      <Nav />
      <main className="main" id="main">
        <NoticesArea />
        {route.name === 'queue' && <QueueView />}
        {route.name === 'unlinked' && <UnlinkedView />}
        {route.name === 'customer' && <CustomerView />}
      </main>
      <StatusBar />
      {overlay === 'palette' && <CommandPalette />}
      {overlay === 'help' && <HelpOverlay />}
      <ToastHost />
    </div>
  );
}
