import { useCallback } from 'react';
import type { QueueRow } from '../../api/types';
import { ChannelTag } from '../../components/ChannelIcon';
import { Age, SlaBadge } from '../../components/SlaBadge';
import { VirtualList } from '../../components/VirtualList';
import { ACTIVE_STATUSES, CHANNEL_LABELS, CHANNELS, PRIORITIES, badgeClock, capitalise, caseRef } from '../../lib/format';
import { useModel } from '../../stores/context';
import { ErrorBanner } from '../../components/ErrorBanner';
import { useStore } from '../../stores/store';

export const QUEUE_ROW_HEIGHT = 36;

/** One filter: a labelled select whose empty value means "all". */
function FilterSelect<T extends string>(props: {
  label: string;
  testId: string;
  value: T | '';
  all: string;
  options: readonly T[];
  labelOf: (option: T) => string;
  onChange: (value: T | '') => void;
}) {
  return (
    <label className="filter">
      <span className="sr-only">{props.label}</span>
      <select data-testid={props.testId} value={props.value} onChange={(e) => props.onChange(e.target.value as T | '')}>
        <option value="">{props.all}</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {props.labelOf(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function QueueView() {
  const model = useModel();
  const { queue, session } = model;
  const s = useStore(queue, (x) => x);
  const user = useStore(session, (x) => x.status?.user ?? null);
  const reference = useStore(session, (x) => x.reference);

  const open = useCallback(
    (row: QueueRow | undefined) => {
      if (row) model.openCustomer(row.case.customer_id, row.case.id);
    },
    [model],
  );
  const getKey = useCallback((i: number) => s.rows[i]?.case.id ?? i, [s.rows]);
  const loadMore = useCallback(() => void queue.loadMore(), [queue]);

  const filtered = s.filters.channel || s.filters.priority || s.filters.status || s.filters.queue;
  const countText = `${s.rows.length}${s.next ? '+' : ''} ${s.rows.length === 1 && !s.next ? 'case' : 'cases'}`;

  return (
    <section className="screen queue-screen" aria-labelledby="queue-title">
      <header className="toolbar">
        <h1 id="queue-title" className="screen-title">
          Queue
        </h1>
        <div className="segmented" role="group" aria-label="Whose cases">
          <button
            type="button"
            className="seg"
            aria-pressed={s.mode === 'mine'}
            data-testid="queue-mine"
            onClick={() => queue.setMode('mine')}
            title="Cases assigned to you (m)"
          >
            My cases
          </button>
          <button
            type="button"
            className="seg"
            aria-pressed={s.mode === 'team'}
            data-testid="queue-team"
            onClick={() => queue.setMode('team')}
            title="Every active case (t)"
          >
            Team queue
          </button>
        </div>
        <div className="filters" role="group" aria-label="Filters">
          <FilterSelect
            label="Channel"
            testId="filter-channel"
            value={s.filters.channel}
            all="All channels"
            options={CHANNELS}
            labelOf={(c) => CHANNEL_LABELS[c]}
            onChange={(v) => queue.setFilter('channel', v)}
          />
          <FilterSelect
            label="Priority"
            testId="filter-priority"
            value={s.filters.priority}
            all="All priorities"
            options={PRIORITIES}
            labelOf={capitalise}
            onChange={(v) => queue.setFilter('priority', v)}
          />
          <FilterSelect
            label="Status"
            testId="filter-status"
            value={s.filters.status}
            all="All active"
            options={ACTIVE_STATUSES}
            labelOf={capitalise}
            onChange={(v) => queue.setFilter('status', v)}
          />
          <FilterSelect
            label="Queue"
            testId="filter-queue"
            value={s.filters.queue}
            all="All queues"
            options={reference?.queues ?? []}
            labelOf={(q) => q}
            onChange={(v) => queue.setFilter('queue', v)}
          />
          {filtered && (
            <button type="button" className="btn btn--ghost" onClick={() => queue.clearFilters()}>
              Clear
            </button>
          )}
        </div>
        <span className="spacer" />
        <span className="muted count" aria-live="polite">
          {s.loaded ? countText : 'Loading…'}
        </span>
        <button type="button" className="btn" onClick={() => void queue.reload()} title="Reload the queue">
          Refresh
        </button>
      </header>

      <ErrorBanner message={s.error} />
      {s.notice && !s.error && (
        <p className="banner" data-testid="queue-notice">
          {s.notice}
        </p>
      )}

      <div className="qgrid qhead" aria-hidden="true">
        <span>SLA</span>
        <span>Age</span>
        <span>Channel</span>
        <span>Priority</span>
        <span>Status</span>
        <span>Customer</span>
        <span>Subject</span>
        <span>Queue</span>
        <span>Assignee</span>
      </div>
      <VirtualList
        testId="queue"
        role="listbox"
        ariaLabel={s.mode === 'mine' ? 'My cases' : 'Team queue'}
        className="list queue-list"
        count={s.rows.length}
        rowHeight={QUEUE_ROW_HEIGHT}
        getKey={getKey}
        selectedIndex={s.selected}
        resetKey={`${s.mode}|${JSON.stringify(s.filters)}`}
        hasMore={s.next !== null}
        onEndReached={loadMore}
        renderRow={(i) => {
          const row = s.rows[i]!;
          return (
            <QueueRowView
              row={row}
              selected={i === s.selected}
              onSelect={() => queue.select(i)}
              onOpen={() => open(row)}
            />
          );
        }}
        footer={
          s.loaded && s.rows.length === 0 && !s.error ? (
            <p className="empty">
              {s.mode === 'mine'
                ? `No active cases are assigned to ${user ?? 'you'}${filtered ? ' with these filters' : ''}.`
                : `No active cases${filtered ? ' match these filters' : ''}.`}
            </p>
          ) : s.loading && s.rows.length > 0 ? (
            <p className="list-more muted">Loading more…</p>
          ) : null
        }
      />
    </section>
  );
}

interface RowProps {
  row: QueueRow;
  selected: boolean;
  onSelect: () => void;
  onOpen: () => void;
}

export function QueueRowView({ row, selected, onSelect, onOpen }: RowProps) {
  const c = row.case;
  return (
    <div
      className={`qgrid qrow ${selected ? 'is-selected' : ''}`}
      role="option"
      aria-selected={selected}
      tabIndex={selected ? 0 : -1}
      data-testid="queue-row"
      data-case-id={c.id}
      data-due-at={row.key.due_at ?? ''}
      data-priority={c.priority}
      data-channel={c.channel}
      data-status={c.status}
      onClick={() => {
        onSelect();
        onOpen();
      }}
      onFocus={onSelect}
    >
      <span className="qcell">
        <SlaBadge clock={badgeClock(row.clocks)} />
      </span>
      <span className="qcell num">
        <Age since={c.opened_at} testId="row-age" />
      </span>
      <span className="qcell">
        <ChannelTag channel={c.channel} testId="row-channel" />
      </span>
      <span className="qcell">
        <span className={`prio prio--${c.priority}`} data-testid="row-priority">
          {capitalise(c.priority)}
        </span>
      </span>
      <span className="qcell">
        <span className={`status status--${c.status}`}>{capitalise(c.status)}</span>
      </span>
      <span className="qcell strong ellipsis" data-testid="row-customer" title={row.customer_name}>
        {row.customer_name}
      </span>
      <span className="qcell ellipsis" title={c.subject}>
        <span className="muted ref">{caseRef(c.id)}</span>{' '}
        <span data-testid="row-subject">{c.subject}</span>
        {c.repeat_contact && <span className="tag tag--warn">Repeat</span>}
        {c.escalation_level > 0 && <span className="tag tag--danger">Esc {c.escalation_level}</span>}
      </span>
      <span className="qcell ellipsis muted">{c.queue}</span>
      <span className="qcell ellipsis muted">{c.assignee ?? 'Unassigned'}</span>
    </div>
  );
}
