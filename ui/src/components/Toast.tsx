import { useModel } from '../stores/context';
import { useStore } from '../stores/store';

export function ToastHost() {
  const { ui } = useModel();
  const toast = useStore(ui, (s) => s.toast);
  if (!toast) return null;
  return (
    <div className={`toast toast--${toast.tone}`} data-testid="toast" role="status" aria-live="polite">
      <span className="toast-text">{toast.text}</span>
      {toast.action && <span className="toast-sep" aria-hidden="true">—</span>}
      {toast.action && (
        <button
          type="button"
          className="btn btn--link"
          data-testid="toast-undo"
          onClick={() => {
            const run = toast.action!.run;
            ui.dismissToast(toast.id);
            void run();
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button type="button" className="btn btn--ghost btn--icon" aria-label="Dismiss" onClick={() => ui.dismissToast()}>
        ×
      </button>
    </div>
  );
}
