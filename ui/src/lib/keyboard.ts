// Keyboard shortcuts: single keys ("j"), chords ("mod+k", where mod is Ctrl or ⌘) and
// two-key sequences ("g q"). Keys typed into a text field never trigger a shortcut
// unless the binding says it works there too (the palette's mod+k, Escape).

export interface Binding {
  /** "j", "?", "Enter", "ArrowDown", "mod+k", "alt+ArrowLeft", or a sequence "g q". */
  keys: string;
  /** Runs the shortcut. Return false to let the key through (nothing to do here). */
  run: (e: KeyboardEvent) => void | boolean;
  /** Only while this holds. */
  when?: () => boolean;
  /** Also fire while focus is in an input, textarea, select or editable element. */
  inInputs?: boolean;
}

/** True when `target` is somewhere the agent types text. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image'].includes(type);
  }
  return el.closest('[contenteditable=""],[contenteditable="true"]') !== null;
}

/** The event as a key string: "j", "?", "mod+k", "shift+Enter", "alt+ArrowLeft". */
export function keyOf(e: KeyboardEvent): string {
  const parts: string[] = [];
  // Ctrl on Windows and Linux, ⌘ on macOS: either one counts as "mod".
  if (e.ctrlKey || e.metaKey) parts.push('mod');
  if (e.altKey) parts.push('alt');
  // Letters: "j" whether or not Caps Lock is on; shift+c is "C".
  let key = e.key.length === 1 && (!e.shiftKey || e.ctrlKey || e.metaKey) ? e.key.toLowerCase() : e.key;
  // Printable symbols already carry shift ("?" is shift+/): only name shift for named keys.
  if (e.shiftKey && e.key.length > 1) parts.push('shift');
  if (e.key === '?') key = '?';
  parts.push(key);
  return parts.join('+');
}

export const SEQUENCE_TIMEOUT_MS = 1200;

export class Keymap {
  #bindings: Binding[];
  #prefix: string | null = null;
  #prefixAt = 0;

  constructor(bindings: Binding[]) {
    this.#bindings = bindings;
  }

  /** Handles a keydown; returns whether a shortcut ran (and the event was consumed). */
  handle(e: KeyboardEvent): boolean {
    if (e.defaultPrevented || e.isComposing) return false;
    const key = keyOf(e);
    if (key === 'Shift' || key === 'Control' || key === 'Alt' || key === 'Meta' || key.endsWith('+Shift')) return false;
    const typing = isTypingTarget(e.target);
    const now = Date.now();
    const prefix = this.#prefix !== null && now - this.#prefixAt < SEQUENCE_TIMEOUT_MS ? this.#prefix : null;
    this.#prefix = null;

    const usable = (b: Binding) => (!typing || b.inInputs === true) && (b.when === undefined || b.when());

    if (prefix !== null) {
      const seq = `${prefix} ${key}`;
      for (const b of this.#bindings) {
        if (b.keys === seq && usable(b) && b.run(e) !== false) {
          e.preventDefault();
          return true;
        }
      }
    }
    for (const b of this.#bindings) {
      if (b.keys === key && usable(b) && b.run(e) !== false) {
        e.preventDefault();
        return true;
      }
    }
    // The first key of a sequence waits for the second.
    if (!typing && this.#bindings.some((b) => b.keys.startsWith(`${key} `) && (b.when === undefined || b.when()))) {
      this.#prefix = key;
      this.#prefixAt = now;
      return true;
    }
    return false;
  }

  /** Listens on `target` (the window) until the returned function is called. */
  attach(target: Window | HTMLElement = window): () => void {
    const listener = (e: Event) => {
      this.handle(e as KeyboardEvent);
    };
    target.addEventListener('keydown', listener);
    return () => target.removeEventListener('keydown', listener);
  }
}
