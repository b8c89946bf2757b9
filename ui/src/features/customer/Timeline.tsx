import { useCallback, useMemo, useRef } from 'react';
import type { CallOutcome, ChannelHop, Delivery, TimelineItem, Touchpoint } from '../../api/types';
import { ChannelIcon } from '../../components/ChannelIcon';
import { ErrorBanner } from '../../components/ErrorBanner';
import { VirtualList } from '../../components/VirtualList';
import {
  CHANNEL_LABELS,
  CHANNELS,
  actorName,
  caseRef,
  describeEvent,
  describeIdentity,
  formatDateTime,
  formatDuration,
  formatWhen,
} from '../../lib/format';
import { useNow } from '../../lib/now';
import { useModel } from '../../stores/context';
import { itemKey } from '../../stores/customer';
import { useStore } from '../../stores/store';

/** Estimates before measuring: a touchpoint card and a one-line case event. */
export const TOUCHPOINT_ESTIMATE = 92;
export const EVENT_ESTIMATE = 38;

export function Timeline() {
  const { customer } = useModel();
  const s = useStore(customer, (x) => x);
  // Uncontrolled: the value is read when the agent presses Go.
  const dateRef = useRef<HTMLInputElement>(null);

  const hops = useMemo(() => {
    const m = new Map<number, ChannelHop>();
    for (const h of s.overview?.hops ?? []) m.set(h.to_touchpoint, h);
    return m;
  }, [s.overview]);
  const repeatCases = useMemo(
    () => new Set((s.overview?.cases ?? []).filter((c) => c.case.repeat_contact).map((c) => c.case.id)),
    [s.overview],
  );

  const getKey = useCallback((i: number) => (s.items[i] ? itemKey(s.items[i]) : i), [s.items]);
  const estimate = useCallback(
    (i: number) => (s.items[i]?.item === 'touchpoint' ? TOUCHPOINT_ESTIMATE : EVENT_ESTIMATE),
    [s.items],
  );
  const loadOlder = useCallback(() => void customer.loadOlder(), [customer]);
  const cases = s.overview?.cases ?? [];

  return (
    <section className="timeline-pane" aria-label="Timeline">
      <div className="toolbar toolbar--tight">
        <label className="filter">
          <span className="sr-only">Case</span>
          <select
            data-testid="timeline-case-filter"
            value={s.caseFilter ?? ''}
            onChange={(e) => customer.setCaseFilter(e.target.value === '' ? null : Number(e.target.value))}
          >
            <option value="">All cases</option>
            {cases.map((c) => (
              <option key={c.case.id} value={c.case.id}>
                {caseRef(c.case.id)} · {c.case.subject}
              </option>
            ))}
          </select>
        </label>
        <div className="chip-toggles" role="group" aria-label="Channels">
          {CHANNELS.map((ch) => {
            const on = s.channels.includes(ch);
            return (
              <button
                key={ch}
                type="button"
                className={`chip-toggle channel--${ch} ${on ? 'is-on' : ''}`}
                data-testid="timeline-channel-filter"
                data-channel={ch}
                aria-pressed={on}
                title={`${on ? 'Hide' : 'Show only'} ${CHANNEL_LABELS[ch]}`}
                onClick={() => customer.toggleChannel(ch)}
              >
                <ChannelIcon channel={ch} size={14} />
                <span className="sr-only">{CHANNEL_LABELS[ch]}</span>
              </button>
            );
          })}
          {s.channels.length > 0 && (
            <button type="button" className="btn btn--ghost btn--small" onClick={() => customer.clearChannels()}>
              All
            </button>
          )}
        </div>
        <span className="spacer" />
        <form
          className="jump"
          onSubmit={(e) => {
            e.preventDefault();
            customer.jumpTo(dateRef.current?.value ?? '');
          }}
        >
          <label>
            <span className="sr-only">Jump to date</span>
            <input ref={dateRef} type="date" data-testid="jump-date" defaultValue="" />
          </label>
          <button type="submit" className="btn btn--small" data-testid="jump-go">
            Go
          </button>
          {s.jumpedTo && (
            <button
              type="button"
              className="btn btn--ghost btn--small"
              onClick={() => {
                if (dateRef.current) dateRef.current.value = '';
                customer.jumpTo('');
              }}
            >
              Newest
            </button>
          )}
        </form>
      </div>
      {s.jumpedTo && <p className="banner">Showing history up to the end of {s.jumpedTo}, newest first.</p>}
      <ErrorBanner message={s.timelineError} />
      <VirtualList
        testId="timeline"
        role="list"
        ariaLabel="Customer history, newest first"
        className="list timeline"
        count={s.items.length}
        rowHeight={estimate}
        measure
        overscan={10}
        getKey={getKey}
        selectedIndex={s.selectedItem}
        resetKey={`${s.customerId}|${s.caseFilter}|${s.channels.join()}|${s.jumpedTo}`}
        hasMore={s.next !== null}
        onEndReached={loadOlder}
        renderRow={(i) => (
          <TimelineEntry
            item={s.items[i]!}
            hop={s.items[i]!.item === 'touchpoint' ? hops.get(s.items[i]!.id) : undefined}
            repeat={s.items[i]!.case_id != null && repeatCases.has(s.items[i]!.case_id!)}
            selected={i === s.selectedItem}
            onSelect={() => {
              customer.selectItem(i);
              const caseId = s.items[i]!.case_id;
              if (caseId != null) customer.selectCase(caseId);
            }}
          />
        )}
        footer={
          s.timelineLoading ? (
            <p className="list-more muted">Loading history…</p>
          ) : s.items.length === 0 && !s.timelineError && s.customerId !== null ? (
            <p className="empty">Nothing on record{s.caseFilter || s.channels.length ? ' for these filters' : ''}.</p>
          ) : s.next === null && s.items.length > 0 ? (
            <p className="list-more muted">Start of history</p>
          ) : null
        }
      />
    </section>
  );
}

interface EntryProps {
  item: TimelineItem;
  hop: ChannelHop | undefined;
  repeat: boolean;
  selected: boolean;
  onSelect: () => void;
}

function TimelineEntry({ item, hop, repeat, selected, onSelect }: EntryProps) {
  const now = useNow();
  const common = {
    'data-testid': 'timeline-item',
    'aria-selected': selected,
    tabIndex: selected ? 0 : -1,
    role: 'listitem',
    onClick: onSelect,
    onFocus: (e: React.FocusEvent) => {
      if (e.target === e.currentTarget && !selected) onSelect();
    },
  } as const;
  const caseButton = item.case_id != null && (
    <button
      type="button"
      className="btn btn--link ref"
      data-testid="item-case"
      tabIndex={-1}
      onClick={(e) => {
        e.stopPropagation();
        onSelect();
      }}
      title="Show this case"
    >
      {caseRef(item.case_id)}
    </button>
  );

  if (item.item === 'case_event') {
    return (
      <div
        {...common}
        className={`titem titem--event ${selected ? 'is-selected' : ''}`}
        data-kind="case_event"
        data-at={item.at}
        data-id={item.id}
      >
        <span className={`event-dot event-dot--${item.kind.type}`} aria-hidden="true" />
        <span className="titem-actor">{actorName(item.actor)}</span>
        <span className={`titem-desc ${selected ? '' : 'ellipsis'}`}>{describeEvent(item.kind)}</span>
        {item.kind.type === 'opened' && repeat && <span className="tag tag--warn">Repeat contact</span>}
        <span className="spacer" />
        {caseButton}
        <time className="titem-time muted" dateTime={item.at} title={formatDateTime(item.at)}>
          {formatWhen(item.at, now)}
        </time>
      </div>
    );
  }

  const t = item;
  const inbound = t.direction === 'inbound';
  return (
    <div
      {...common}
      className={`titem titem--touchpoint ${inbound ? 'titem--in' : 'titem--out'} ${selected ? 'is-selected' : ''}`}
      data-kind="touchpoint"
      data-channel={t.channel}
      data-at={t.occurred_at}
      data-id={t.id}
    >
      <div className="titem-head">
        <span className={`channel channel--${t.channel}`}>
          <ChannelIcon channel={t.channel} />
          <span className="channel-name">{CHANNEL_LABELS[t.channel]}</span>
        </span>
        <span className={`dir dir--${t.direction}`} title={inbound ? 'From the customer' : 'To the customer'}>
          {inbound ? '↘ In' : '↗ Out'}
        </span>
        <span className="titem-actor muted">{inbound && t.identity ? describeIdentity(t.identity) : actorName(t.actor)}</span>
        {hop && (
          <span className="tag tag--hop" data-testid="hop-marker" title={hop.description}>
            Channel hop: {hop.description}
          </span>
        )}
        <span className="spacer" />
        {caseButton}
        <time className="titem-time muted" dateTime={t.occurred_at} title={formatDateTime(t.occurred_at)}>
          {formatWhen(t.occurred_at, now)}
        </time>
      </div>
      <div className="titem-summary">{t.summary}</div>
      {t.body && <div className={`titem-body ${selected ? 'is-full' : ''}`}>{t.body}</div>}
      <Facts t={t} />
    </div>
  );
}

function Facts({ t }: { t: Touchpoint }) {
  const f = t.facts;
  if (!f) return null;
  const parts: React.ReactNode[] = [];
  if (f.call_duration_secs != null) parts.push(<span key="d">Call {formatDuration(f.call_duration_secs)}</span>);
  if (f.branch_id) parts.push(<span key="b">Branch {f.branch_id}</span>);
  if (f.public != null) {
    parts.push(
      <span key="p" className={f.public ? 'tag tag--public' : 'tag'}>
        {f.public ? 'Public post' : 'Private message'}
      </span>,
    );
  }
  if (f.call_outcome) {
    const missed = ['no_answer', 'busy', 'failed', 'abandoned'].includes(f.call_outcome);
    parts.push(
      <span key="o" className={missed ? 'tag tag--warn' : 'tag'} data-testid="call-outcome">
        {CALL_OUTCOME_LABELS[f.call_outcome]}
      </span>,
    );
  }
  if (f.delivery) parts.push(<DeliveryState key="dl" touchpointId={t.id} delivery={f.delivery} />);
  if (f.post_url) {
    parts.push(
      <span key="u" className="mono ellipsis post-url" title={f.post_url}>
        {f.post_url}
      </span>,
    );
  }
  if (parts.length === 0) return null;
  return <div className="titem-facts">{parts}</div>;
}

const CALL_OUTCOME_LABELS: Record<CallOutcome, string> = {
  in_progress: 'In progress',
  answered: 'Answered',
  no_answer: 'No answer',
  busy: 'Busy',
  failed: 'Call failed',
  abandoned: 'Caller hung up',
};

const DELIVERY_LABELS: Record<Delivery['state'], string> = {
  queued: 'Queued',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Not delivered',
};

/** Where our message is; a failed one says why and offers Retry. */
function DeliveryState({ touchpointId, delivery }: { touchpointId: number; delivery: Delivery }) {
  const { customer } = useModel();
  const busy = useStore(customer, (x) => x.busy);
  const failed = delivery.state === 'failed';
  return (
    <span className="delivery" data-testid="delivery" data-state={delivery.state}>
      <span className={failed ? 'tag tag--danger' : 'tag'}>{DELIVERY_LABELS[delivery.state]}</span>
      {delivery.state === 'failed' && (
        <>
          <span className="delivery-reason">{delivery.reason}</span>
          <button
            type="button"
            className="btn btn--small"
            data-testid="retry-delivery"
            disabled={busy}
            onClick={(e) => {
              e.stopPropagation();
              void customer.retryDelivery(touchpointId);
            }}
          >
            Retry
          </button>
        </>
      )}
    </span>
  );
}
