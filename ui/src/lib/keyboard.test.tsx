import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTypingTarget, Keymap, keyOf } from './keyboard';

describe('Keymap', () => {
  let detach: (() => void) | null = null;
  afterEach(() => detach?.());

  function setup() {
    const ran = { j: vi.fn(), palette: vi.fn(), gq: vi.fn(), help: vi.fn(), esc: vi.fn() };
    const km = new Keymap([
      { keys: 'j', run: ran.j },
      { keys: '?', run: ran.help },
      { keys: 'g q', run: ran.gq },
      { keys: 'mod+k', inInputs: true, run: ran.palette },
      { keys: 'Escape', inInputs: true, run: ran.esc },
    ]);
    detach = km.attach(window);
    render(
      <div>
        <input data-testid="input" />
        <textarea data-testid="area" />
        <select data-testid="select">
          <option>a</option>
        </select>
        <div data-testid="editable" contentEditable suppressContentEditableWarning>
          x
        </div>
        <button data-testid="button">b</button>
      </div>,
    );
    return ran;
  }

  it('runs single keys, symbols and sequences outside fields', () => {
    const ran = setup();
    fireEvent.keyDown(document.body, { key: 'j' });
    fireEvent.keyDown(document.body, { key: '?', shiftKey: true });
    fireEvent.keyDown(document.body, { key: 'g' });
    fireEvent.keyDown(document.body, { key: 'q' });
    expect(ran.j).toHaveBeenCalledTimes(1);
    expect(ran.help).toHaveBeenCalledTimes(1);
    expect(ran.gq).toHaveBeenCalledTimes(1);
  });

  it('ignores keys typed into inputs, textareas, selects and editable text', () => {
    const ran = setup();
    for (const id of ['input', 'area', 'select', 'editable']) {
      fireEvent.keyDown(screen.getByTestId(id), { key: 'j' });
      fireEvent.keyDown(screen.getByTestId(id), { key: '?' });
      fireEvent.keyDown(screen.getByTestId(id), { key: 'g' });
      fireEvent.keyDown(screen.getByTestId(id), { key: 'q' });
    }
    expect(ran.j).not.toHaveBeenCalled();
    expect(ran.help).not.toHaveBeenCalled();
    expect(ran.gq).not.toHaveBeenCalled();
    // A focused button is not a text field.
    fireEvent.keyDown(screen.getByTestId('button'), { key: 'j' });
    expect(ran.j).toHaveBeenCalledTimes(1);
  });

  it('still opens the palette and closes overlays from inside a field', () => {
    const ran = setup();
    fireEvent.keyDown(screen.getByTestId('input'), { key: 'k', ctrlKey: true });
    fireEvent.keyDown(screen.getByTestId('area'), { key: 'k', metaKey: true });
    fireEvent.keyDown(screen.getByTestId('input'), { key: 'Escape' });
    expect(ran.palette).toHaveBeenCalledTimes(2);
    expect(ran.esc).toHaveBeenCalledTimes(1);
  });

  it('does not treat modified letters as plain shortcuts', () => {
    const ran = setup();
    fireEvent.keyDown(document.body, { key: 'j', ctrlKey: true });
    expect(ran.j).not.toHaveBeenCalled();
  });
});

describe('keyOf and isTypingTarget', () => {
  it('names keys', () => {
    expect(keyOf(new KeyboardEvent('keydown', { key: 'K', ctrlKey: true, shiftKey: true }))).toBe('mod+k');
    expect(keyOf(new KeyboardEvent('keydown', { key: 'J' }))).toBe('j');
    expect(keyOf(new KeyboardEvent('keydown', { key: 'ArrowLeft', altKey: true }))).toBe('alt+ArrowLeft');
  });

  it('knows a checkbox is not a text field', () => {
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(isTypingTarget(box)).toBe(false);
    expect(isTypingTarget(document.createElement('input'))).toBe(true);
  });
});
