// A windowed list: only the rows in view (plus a few either side) are in the DOM.
// Row heights start from an estimate (fixed, or per row) and, with `measure`, are
// corrected from the rendered rows; a correction above the viewport shifts the scroll
// position by the same amount so what the agent is reading stays put.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';

export interface VirtualListProps {
  count: number;
  /** A fixed row height, or an estimate per row. */
  rowHeight: number | ((index: number) => number);
  /** A stable key per row (ids), so measured heights follow the row. */
  getKey: (index: number) => string | number;
  renderRow: (index: number) => ReactNode;
  /** Correct heights from the rendered rows (for rows whose height varies). */
  measure?: boolean;
  overscan?: number;
  /** Called when the last rows come into view and `hasMore`. */
  onEndReached?: () => void;
  hasMore?: boolean;
  /** Keep this row in view (keyboard selection) and move focus to it if the list has focus. */
  selectedIndex?: number;
  /** Changing it scrolls back to the top (a new query). */
  resetKey?: unknown;
  /** The viewport height to assume before (or without) layout, as in tests. */
  fallbackHeight?: number;
  className?: string;
  testId?: string;
  role?: string;
  ariaLabel?: string;
  footer?: ReactNode;
}

/** The first index whose row ends below `y` (rows are laid out by `offsets`). */
export function indexAt(offsets: ArrayLike<number>, count: number, y: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((offsets[mid + 1] ?? 0) <= y) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo);
}

export function VirtualList(props: VirtualListProps) {
  const {
    count,
    rowHeight,
    getKey,
    renderRow,
    measure = false,
    overscan = 6,
    onEndReached,
    hasMore = false,
    selectedIndex,
    resetKey,
    fallbackHeight = 600,
  } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);
  const heights = useRef(new Map<string | number, number>());
  const [version, setVersion] = useState(0);
  const offsetsRef = useRef<Float64Array>(new Float64Array(1));

  const heightOf = useCallback(
    (i: number): number => {
      const m = measure ? heights.current.get(getKey(i)) : undefined;
      if (m !== undefined) return m;
      return typeof rowHeight === 'number' ? rowHeight : rowHeight(i);
    },
    [measure, getKey, rowHeight],
  );

  const offsets = useMemo(() => {
    const o = new Float64Array(count + 1);
    for (let i = 0; i < count; i++) o[i + 1] = (o[i] ?? 0) + heightOf(i);
    return o;
    // `version` changes when a measured height does.
  }, [count, heightOf, version]);
  offsetsRef.current = offsets;
  const total = offsets[count] ?? 0;

  // The viewport's height, kept current as the window resizes.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const read = () => setViewport(el.clientHeight);
    read();
    if (typeof ResizeObserver === 'undefined') {
      window.addEventListener('resize', read);
      return () => window.removeEventListener('resize', read);
    }
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Rendered rows report their real height.
  const rowObserver = useMemo(() => {
    if (!measure || typeof ResizeObserver === 'undefined') return null;
    return new ResizeObserver((entries) => {
      let changed = false;
      let shift = 0;
      const el = scrollRef.current;
      const top = el?.scrollTop ?? 0;
      for (const entry of entries) {
        const row = entry.target as HTMLElement;
        const key = row.dataset.key;
        const index = Number(row.dataset.index);
        if (key === undefined || !Number.isFinite(index)) continue;
        const box = entry.borderBoxSize?.[0];
        const h = box ? box.blockSize : row.offsetHeight;
        if (!(h > 0)) continue;
        const mapKey = typeof getKey(index) === 'number' ? Number(key) : key;
        const old = heights.current.get(mapKey) ?? heightOf(index);
        if (Math.abs(old - h) < 0.5) continue;
        heights.current.set(mapKey, h);
        changed = true;
        if ((offsetsRef.current[index] ?? 0) < top) shift += h - old;
      }
      if (!changed) return;
      if (el && shift !== 0) el.scrollTop = top + shift;
      setVersion((v) => v + 1);
    });
  }, [measure, getKey, heightOf]);
  useEffect(() => () => rowObserver?.disconnect(), [rowObserver]);

  const observe = useCallback(
    (node: HTMLDivElement | null) => {
      if (node && rowObserver) rowObserver.observe(node);
    },
    [rowObserver],
  );

  // A new query starts at the top.
  const firstReset = useRef(true);
  useEffect(() => {
    if (firstReset.current) {
      firstReset.current = false;
      return;
    }
    const el = scrollRef.current;
    if (el) el.scrollTop = 0;
    setScrollTop(0);
  }, [resetKey]);

  const height = viewport > 0 ? viewport : fallbackHeight;
  const first = count === 0 ? 0 : indexAt(offsets, count, scrollTop);
  const last = count === 0 ? -1 : indexAt(offsets, count, scrollTop + height);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count - 1, last + overscan);

  // Keep the selected row in view, and bring focus along when the list has it.
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || selectedIndex === undefined || selectedIndex < 0 || selectedIndex >= count) return;
    const top = offsets[selectedIndex] ?? 0;
    const bottom = offsets[selectedIndex + 1] ?? top;
    const view = el.clientHeight > 0 ? el.clientHeight : height;
    let next = el.scrollTop;
    if (top < next) next = top;
    else if (bottom > next + view) next = bottom - view;
    if (next !== el.scrollTop) {
      el.scrollTop = next;
      setScrollTop(next);
    }
  }, [selectedIndex, count]);

  const focusedFor = useRef<number | undefined>(undefined);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || selectedIndex === undefined || selectedIndex < 0 || focusedFor.current === selectedIndex) return;
    // Follow the selection with focus when the list has it, or when nothing that
    // matters does (the page, a nav button): never out of a field or a dialog.
    const active = document.activeElement as HTMLElement | null;
    const listHasFocus = active === el || (active !== null && el.contains(active));
    const idle =
      !active ||
      active === document.body ||
      (active.tagName === 'BUTTON' && active.closest('[role="dialog"]') === null);
    if (!listHasFocus && !idle) return;
    const row = el.querySelector<HTMLElement>(`[data-index="${selectedIndex}"] > *`);
    if (!row) return;
    if (row !== active) row.focus({ preventScroll: true });
    focusedFor.current = selectedIndex;
  }, [selectedIndex, start, end]);

  // Infinite loading: ask for more as the end comes into view.
  useEffect(() => {
    if (hasMore && onEndReached && count > 0 && last >= count - 1 - overscan) onEndReached();
  }, [hasMore, onEndReached, count, last, overscan]);

  const rows: ReactNode[] = [];
  for (let i = start; i <= end; i++) {
    const key = getKey(i);
    rows.push(
      <div
        key={key}
        ref={measure ? observe : undefined}
        className="vlist-row"
        role="presentation"
        data-index={i}
        data-key={String(key)}
        style={{ top: offsets[i] ?? 0, height: measure ? undefined : heightOf(i) }}
      >
        {renderRow(i)}
      </div>,
    );
  }

  return (
    <div
      ref={scrollRef}
      className={`vlist ${props.className ?? ''}`}
      data-testid={props.testId}
      role={props.role}
      aria-label={props.ariaLabel}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div className="vlist-inner" style={{ height: total }}>
        {rows}
      </div>
      {props.footer}
    </div>
  );
}
