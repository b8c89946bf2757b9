import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { indexAt, VirtualList } from './VirtualList';

const rows = (n: number) => Array.from({ length: n }, (_, i) => `Row ${i}`);

function List({ items, onEnd, more = false }: { items: string[]; onEnd?: () => void; more?: boolean }) {
  return (
    <VirtualList
      testId="list"
      count={items.length}
      rowHeight={20}
      overscan={2}
      fallbackHeight={200}
      getKey={(i) => i}
      hasMore={more}
      onEndReached={onEnd}
      renderRow={(i) => <div data-testid="row">{items[i]}</div>}
    />
  );
}

describe('VirtualList', () => {
  it('renders only the rows in view plus the overscan', () => {
    render(<List items={rows(10_000)} />);
    const shown = screen.getAllByTestId('row');
    // 200 px / 20 px = 10 rows in view (+1 partly), 2 overscan below.
    expect(shown.length).toBeLessThanOrEqual(14);
    expect(shown[0]).toHaveProperty('textContent', 'Row 0');
    // The inner box is as tall as every row together, so the scrollbar is honest.
    const inner = screen.getByTestId('list').firstElementChild as HTMLElement;
    expect(inner.style.height).toBe('200000px');
  });

  it('renders the rows at the scroll position', () => {
    render(<List items={rows(10_000)} />);
    const list = screen.getByTestId('list');
    list.scrollTop = 20 * 5000;
    fireEvent.scroll(list);
    const shown = screen.getAllByTestId('row').map((r) => r.textContent);
    expect(shown).toContain('Row 5000');
    expect(shown).toContain('Row 4998');
    expect(shown).not.toContain('Row 0');
    expect(shown.length).toBeLessThanOrEqual(16);
    const first = screen.getAllByTestId('row')[0]!.parentElement as HTMLElement;
    expect(first.style.top).toBe(`${4998 * 20}px`);
  });

  it('asks for more when the end comes into view', () => {
    const onEnd = vi.fn();
    const { rerender } = render(<List items={rows(8)} onEnd={onEnd} more />);
    expect(onEnd).toHaveBeenCalled();
    onEnd.mockClear();
    rerender(<List items={rows(500)} onEnd={onEnd} more />);
    expect(onEnd).not.toHaveBeenCalled();
  });

  it('finds the row at an offset', () => {
    const offsets = [0, 10, 30, 60];
    expect(indexAt(offsets, 3, 0)).toBe(0);
    expect(indexAt(offsets, 3, 10)).toBe(1);
    expect(indexAt(offsets, 3, 29)).toBe(1);
    expect(indexAt(offsets, 3, 100)).toBe(2);
  });
});
