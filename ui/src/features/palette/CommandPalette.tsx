import { useEffect, useRef } from 'react';
import { ChannelIcon } from '../../components/ChannelIcon';
import { useModel } from '../../stores/context';
import { useStore } from '../../stores/store';
import { paletteEntries, type PaletteEntry } from './entries';

const KIND_LABEL = { customer: 'Customer', case: 'Case', touchpoint: 'Contact', action: 'Action' } as const;

export function CommandPalette() {
  const model = useModel();
  const { palette, ui } = model;
  const search = useStore(palette.search, (s) => s);
  const selected = useStore(palette, (s) => s.selected);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const entries = paletteEntries(model, search.text, search.results);
  const active = Math.min(selected, Math.max(0, entries.length - 1));

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    inputRef.current?.focus();
    return () => {
      if (before && document.contains(before) && before !== document.body) before.focus();
    };
  }, []);

  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView?.({ block: 'nearest' });
  }, [active]);

  const choose = (entry: PaletteEntry | undefined) => {
    if (!entry) return;
    ui.close();
    palette.reset();
    entry.run();
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown' || (e.key === 'n' && e.ctrlKey)) {
      e.preventDefault();
      palette.select(Math.min(entries.length - 1, active + 1));
    } else if (e.key === 'ArrowUp' || (e.key === 'p' && e.ctrlKey)) {
      e.preventDefault();
      palette.select(Math.max(0, active - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(entries[active]);
    }
  };

  const close = () => {
    ui.close();
    palette.reset();
  };

  return (
    <div className="backdrop backdrop--top" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" data-testid="palette">
        <input
          ref={inputRef}
          className="palette-input"
          data-testid="palette-input"
          type="text"
          placeholder="Search customers, cases, contacts — or type a command"
          aria-label="Search or run a command"
          aria-controls="palette-list"
          aria-activedescendant={entries[active] ? `palette-${active}` : undefined}
          value={search.text}
          onChange={(e) => palette.setText(e.target.value)}
          onKeyDown={onKeyDown}
          autoComplete="off"
          spellCheck={false}
        />
        <ul id="palette-list" ref={listRef} className="palette-list" role="listbox">
          {entries.map((en, i) => (
            <li
              key={`${en.kind}:${en.id}`}
              id={`palette-${i}`}
              role="option"
              aria-selected={i === active}
              className={`palette-item ${i === active ? 'is-selected' : ''}`}
              data-testid="palette-result"
              data-kind={en.kind}
              data-id={en.id}
              data-index={i}
              onMouseMove={() => i !== active && palette.select(i)}
              onClick={() => choose(en)}
            >
              <span className={`kind kind--${en.kind}`}>{KIND_LABEL[en.kind]}</span>
              {en.channel && <ChannelIcon channel={en.channel} size={14} />}
              <span className="ellipsis strong palette-title">{en.title}</span>
              <span className="ellipsis muted palette-detail">{en.detail}</span>
              {en.shortcut && <kbd>{en.shortcut}</kbd>}
            </li>
          ))}
        </ul>
        <footer className="palette-foot muted">
          {search.loading ? 'Searching…' : search.error ? search.error : '↑↓ to move · Enter to open · Esc to close'}
        </footer>
      </div>
    </div>
  );
}
