import { useCallback, useState, type FormEvent } from 'react';
import type { Touchpoint } from '../../api/types';
import { ChannelIcon } from '../../components/ChannelIcon';
import { Dialog } from '../../components/Dialog';
import { VirtualList } from '../../components/VirtualList';
import { CHANNEL_LABELS, customerRef, describeIdentity, formatDateTime, formatWhen, identityValue } from '../../lib/format';
import { useNow } from '../../lib/now';
import { useModel } from '../../stores/context';
import { ErrorBanner } from '../../components/ErrorBanner';
import { useStore } from '../../stores/store';

export const UNLINKED_ROW_HEIGHT = 48;

export function UnlinkedView() {
  const { unlinked } = useModel();
  const s = useStore(unlinked, (x) => x);
  const getKey = useCallback((i: number) => s.items[i]?.id ?? i, [s.items]);
  const loadMore = useCallback(() => void unlinked.loadMore(), [unlinked]);

  return (
    <section className="screen unlinked-screen" aria-labelledby="unlinked-title">
      <header className="toolbar">
        <h1 id="unlinked-title" className="screen-title">
          Unlinked
        </h1>
        <span className="muted">
          Contacts whose identity matched no customer. Link each one by hand; nothing is linked automatically.
        </span>
        <span className="spacer" />
        <span className="muted count">{s.loaded ? `${s.items.length}${s.next ? '+' : ''} waiting` : 'Loading…'}</span>
        <button type="button" className="btn" onClick={() => void unlinked.reload()}>
          Refresh
        </button>
      </header>
      <ErrorBanner message={s.error} />
      <VirtualList
        testId="unlinked"
        role="listbox"
        ariaLabel="Unlinked contacts"
        className="list unlinked-list"
        count={s.items.length}
        rowHeight={UNLINKED_ROW_HEIGHT}
        getKey={getKey}
        selectedIndex={s.selected}
        hasMore={s.next !== null}
        onEndReached={loadMore}
        renderRow={(i) => (
          <UnlinkedRow item={s.items[i]!} selected={i === s.selected} onSelect={() => unlinked.select(i)} />
        )}
        footer={
          s.loaded && s.items.length === 0 && !s.error ? (
            <p className="empty">Every contact is linked to a customer.</p>
          ) : s.loading && s.items.length > 0 ? (
            <p className="list-more muted">Loading more…</p>
          ) : null
        }
      />
      {s.dialog?.kind === 'link' && <LinkDialog item={s.dialog.item} />}
      {s.dialog?.kind === 'create' && <CreateDialog item={s.dialog.item} />}
    </section>
  );
}

function UnlinkedRow({ item, selected, onSelect }: { item: Touchpoint; selected: boolean; onSelect: () => void }) {
  const { unlinked } = useModel();
  const now = useNow();
  return (
    <div
      className={`urow ${selected ? 'is-selected' : ''}`}
      role="option"
      aria-selected={selected}
      tabIndex={selected ? 0 : -1}
      data-testid="unlinked-item"
      data-id={item.id}
      data-channel={item.channel}
      onClick={onSelect}
      onFocus={(e) => e.target === e.currentTarget && onSelect()}
    >
      <span className={`channel channel--${item.channel}`}>
        <ChannelIcon channel={item.channel} />
        <span className="channel-name">{CHANNEL_LABELS[item.channel]}</span>
      </span>
      <span className="strong ellipsis urow-who" data-testid="unlinked-identity">
        {item.identity ? describeIdentity(item.identity) : 'No identity given'}
      </span>
      <span className="ellipsis urow-summary" title={item.body ?? item.summary}>
        {item.summary}
      </span>
      <time className="muted urow-time" dateTime={item.occurred_at} title={formatDateTime(item.occurred_at)}>
        {formatWhen(item.occurred_at, now)}
      </time>
      <span className="urow-actions">
        <button
          type="button"
          className="btn btn--small"
          data-testid="link-button"
          tabIndex={selected ? 0 : -1}
          onClick={(e) => {
            e.stopPropagation();
            onSelect();
            unlinked.openDialog('link', item);
          }}
        >
          Link to customer…
        </button>
        <button
          type="button"
          className="btn btn--small btn--ghost"
          data-testid="create-customer-button"
          tabIndex={selected ? 0 : -1}
          onClick={(e) => {
            e.stopPropagation();
            onSelect();
            unlinked.openDialog('create', item);
          }}
        >
          Create customer…
        </button>
      </span>
    </div>
  );
}

function LinkDialog({ item }: { item: Touchpoint }) {
  const { unlinked } = useModel();
  const search = useStore(unlinked.search, (x) => x);
  const busy = useStore(unlinked, (x) => x.busy);
  const error = useStore(unlinked, (x) => x.dialogError);
  const [active, setActive] = useState(0);
  const hits = search.results?.customers ?? [];
  const who = item.identity ? identityValue(item.identity) : `this ${CHANNEL_LABELS[item.channel]} contact`;

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(hits.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const hit = hits[active];
      if (hit) void unlinked.link(hit);
    }
  };

  return (
    <Dialog title={`Link ${who} to a customer`} onClose={() => unlinked.closeDialog()} testId="link-dialog">
      <p className="muted dialog-text">
        {item.summary} · {CHANNEL_LABELS[item.channel]}
      </p>
      <input
        type="search"
        className="input-big"
        data-testid="link-search"
        data-autofocus
        placeholder="Search customers by name, phone, email or handle"
        aria-label="Search customers"
        value={search.text}
        onChange={(e) => {
          unlinked.search.setText(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul className="results" role="listbox" aria-label="Customers">
        {hits.map((h, i) => (
          <li key={h.id}>
            <button
              type="button"
              role="option"
              aria-selected={i === active}
              className={`result ${i === active ? 'is-selected' : ''}`}
              data-testid="link-result"
              data-customer-id={h.id}
              disabled={busy}
              onMouseEnter={() => setActive(i)}
              onClick={() => void unlinked.link(h)}
            >
              <span className="strong">{h.name}</span>
              <span className="muted ref">{customerRef(h.id)}</span>
              {h.matched_identity && <span className="tag">matches {identityValue(h.matched_identity)}</span>}
            </button>
          </li>
        ))}
      </ul>
      {search.loading && <p className="muted dialog-text">Searching…</p>}
      {!search.loading && search.text.trim() !== '' && search.results && hits.length === 0 && (
        <p className="muted dialog-text">No customer matches “{search.text}”.</p>
      )}
      {(error || search.error) && (
        <p className="form-error" data-testid="form-error" role="alert">
          {error ?? search.error}
        </p>
      )}
    </Dialog>
  );
}

function CreateDialog({ item }: { item: Touchpoint }) {
  const { unlinked } = useModel();
  const busy = useStore(unlinked, (x) => x.busy);
  const error = useStore(unlinked, (x) => x.dialogError);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const name = new FormData(e.currentTarget).get('name');
    void unlinked.createCustomer(typeof name === 'string' ? name : '');
  };
  return (
    <Dialog title="Create a customer" onClose={() => unlinked.closeDialog()} testId="create-dialog">
      <form onSubmit={submit} noValidate>
        <p className="muted dialog-text">
          A new customer with {item.identity ? describeIdentity(item.identity) : 'no identity'} as their first identity.
        </p>
        <label className="field">
          <span className="field-label">Name</span>
          <input
            type="text"
            className="input-big"
            name="name"
            data-testid="create-name"
            data-autofocus
            defaultValue=""
          />
        </label>
        {error && (
          <p className="form-error" data-testid="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="form-buttons">
          <button type="submit" className="btn btn--primary" data-testid="create-submit" disabled={busy}>
            Create customer
          </button>
          <button type="button" className="btn btn--ghost" onClick={() => unlinked.closeDialog()}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
