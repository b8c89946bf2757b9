import { Dialog } from '../../components/Dialog';
import { useModel } from '../../stores/context';
import { EXTRA_HELP, HELP_GROUPS, appShortcuts } from '../shell/shortcuts';

export function HelpOverlay() {
  const model = useModel();
  const lines = [...appShortcuts(model).flatMap((s) => (s.help ? [s.help] : [])), ...EXTRA_HELP];
  return (
    <Dialog title="Keyboard shortcuts" onClose={() => model.ui.close()} testId="help-overlay" className="help">
      <p className="muted dialog-text">Shortcuts never fire while you type in a field. Esc closes this.</p>
      <div className="help-grid">
        {HELP_GROUPS.map((g) => (
          <section key={g} className="help-group">
            <h3>{g}</h3>
            <dl>
              {lines
                .filter((l) => l.group === g)
                .map((l) => (
                  <div key={l.label} className="help-line">
                    <dt>
                      {l.keys.map((k, i) => (
                        <kbd key={i}>{k}</kbd>
                      ))}
                    </dt>
                    <dd>{l.label}</dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
