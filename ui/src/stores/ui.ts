// Cross-cutting view state: theme, which overlay is open, and the toast.

import { Store } from './store';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Overlay = 'palette' | 'help' | null;

export interface ToastAction {
  label: string;
  run: () => void | Promise<void>;
}

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
  action: ToastAction | null;
}

export interface UiState {
  theme: ThemeChoice;
  overlay: Overlay;
  toast: Toast | null;
}

const THEME_KEY = 'tideline.theme';
export const TOAST_MS = 6_000;
/** A toast that offers Undo stays long enough to read, look, and change one's mind. */
export const UNDO_TOAST_MS = 30_000;

function storedTheme(): ThemeChoice {
  try {
    const t = globalThis.localStorage?.getItem(THEME_KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

function systemPrefersDark(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia('(prefers-color-scheme: dark)').matches
    : false;
}

export class UiStore extends Store<UiState> {
  #toastTimer: ReturnType<typeof setTimeout> | null = null;
  #toastSeq = 0;

  constructor() {
    super({ theme: storedTheme(), overlay: null, toast: null });
  }

  /** The theme in effect, resolving "system". */
  effectiveTheme(): 'light' | 'dark' {
    const t = this.state.theme;
    return t === 'system' ? (systemPrefersDark() ? 'dark' : 'light') : t;
  }

  toggleTheme(): void {
    const theme = this.effectiveTheme() === 'dark' ? 'light' : 'dark';
    try {
      globalThis.localStorage?.setItem(THEME_KEY, theme);
    } catch {
      /* private mode: the choice lasts for the session */
    }
    this.set({ theme });
  }

  open(overlay: Exclude<Overlay, null>): void {
    this.set({ overlay });
  }

  close(): void {
    this.set({ overlay: null });
  }

  showToast(text: string, opts: { action?: ToastAction; tone?: 'info' | 'error'; ms?: number } = {}): void {
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
    const id = ++this.#toastSeq;
    this.set({ toast: { id, text, tone: opts.tone ?? 'info', action: opts.action ?? null } });
    this.#toastTimer = setTimeout(() => this.dismissToast(id), opts.ms ?? (opts.action ? UNDO_TOAST_MS : TOAST_MS));
  }

  dismissToast(id?: number): void {
    if (id !== undefined && this.state.toast?.id !== id) return;
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
    this.#toastTimer = null;
    this.set({ toast: null });
  }
}
