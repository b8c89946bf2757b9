import { useRef, type FormEvent, type KeyboardEvent } from 'react';
import type { CaseSummary, ReferenceData } from '../../api/types';
import { ChannelTag } from '../../components/ChannelIcon';
import { Dialog } from '../../components/Dialog';
import { Age, ClockLine } from '../../components/SlaBadge';
import { isLegal, type CaseActionName } from '../../lib/caseRules';
import { capitalise, caseRef } from '../../lib/format';
import { useModel } from '../../stores/context';
import type { CaseForm } from '../../stores/customer';
import { useStore } from '../../stores/store';
import { NoticeLine } from '../notices/NoticesArea';

const BUTTONS: { action: CaseActionName; label: string; key?: string; form?: CaseForm }[] = [
  { action: 'acknowledge', label: 'Acknowledge', key: 'a' },
  { action: 'reply', label: 'Reply', key: 'c', form: 'reply' },
  { action: 'note', label: 'Add note', key: 'n', form: 'note' },
  { action: 'assign', label: 'Assign', key: 's', form: 'assign' },
  { action: 'escalate', label: 'Escalate', key: 'e', form: 'escalate' },
  { action: 'pending', label: 'Set pending' },
  { action: 'resume', label: 'Resume' },
  { action: 'resolve', label: 'Resolve', key: 'r', form: 'resolve' },
  { action: 'close', label: 'Close' },
  { action: 'reopen', label: 'Reopen', form: 'reopen' },
];

export function CasePanel() {
  const { customer, session } = useModel();
  const overview = useStore(customer, (s) => s.overview);
  const selectedId = useStore(customer, (s) => s.selectedCaseId);
  const form = useStore(customer, (s) => s.form);
  const busy = useStore(customer, (s) => s.busy);
  const actionError = useStore(customer, (s) => s.actionError);
  const reference = useStore(session, (s) => s.reference);
  const summary = overview?.cases.find((c) => c.case.id === selectedId);

  if (!overview) return <aside className="case-panel case-panel--empty" aria-label="Case" />;
  if (!summary) {
    return (
      <aside className="case-panel case-panel--empty" aria-label="Case">
        <p className="muted pad">{overview.cases.length === 0 ? 'This customer has no cases.' : 'Select a case.'}</p>
      </aside>
    );
  }
  const c = summary.case;

  const click = (action: CaseActionName, f?: CaseForm) => {
    if (f) {
      customer.openForm(form === f ? null : f);
      return;
    }
    const act =
      action === 'acknowledge'
        ? ({ type: 'acknowledge' } as const)
        : action === 'pending'
          ? ({ type: 'set_pending' } as const)
          : action === 'resume'
            ? ({ type: 'resume' } as const)
            : ({ type: 'close' } as const);
    customer.openForm(null);
    void customer.act(act);
  };

  return (
    <aside className="case-panel" data-testid="case-panel" data-case-id={c.id} data-status={c.status} aria-label="Case">
      <header className="case-head">
        <div className="case-head-line">
          <span className="ref strong">{caseRef(c.id)}</span>
          <span className={`status status--${c.status}`} data-testid="case-status">
            {capitalise(c.status)}
          </span>
          <span className={`prio prio--${c.priority}`}>{capitalise(c.priority)}</span>
          {c.repeat_contact && <span className="tag tag--warn">Repeat contact</span>}
          {c.escalation_level > 0 && <span className="tag tag--danger">Escalated · level {c.escalation_level}</span>}
        </div>
        <h2 className="case-subject">{c.subject}</h2>
        <PresenceChips caseId={c.id} />
      </header>
      <CaseNotices caseId={c.id} />
      <dl className="case-facts">
        <div>
          <dt>Channel</dt>
          <dd>
            <ChannelTag channel={c.channel} />
          </dd>
        </div>
        <div>
          <dt>Queue</dt>
          <dd data-testid="case-queue">{c.queue}</dd>
        </div>
        <div>
          <dt>Assignee</dt>
          <dd data-testid="case-assignee">{c.assignee ?? 'Unassigned'}</dd>
        </div>
        <div>
          <dt>Age</dt>
          <dd>
            <Age since={c.opened_at} />
          </dd>
        </div>
        {c.reasons.length > 0 && (
          <div>
            <dt>Reasons</dt>
            <dd>{c.reasons.join(', ')}</dd>
          </div>
        )}
        {c.closure && (
          <div className="wide">
            <dt>Closure</dt>
            <dd>
              {closureLabel(reference, c.closure.code)}: {c.closure.summary}
            </dd>
          </div>
        )}
      </dl>
      {summary.clocks.length > 0 && (
        <ul className="clocks" aria-label="SLA clocks">
          {summary.clocks.map((k) => (
            <ClockLine key={k.kind} clock={k} />
          ))}
        </ul>
      )}
      <div className="actions" role="toolbar" aria-label="Case actions">
        {BUTTONS.filter((b) => isLegal(b.action, c.status)).map((b) => (
          <button
            key={b.action}
            type="button"
            className={`btn ${b.action === 'resolve' ? 'btn--primary' : ''} ${b.form && form === b.form ? 'is-on' : ''}`}
            data-testid={`action-${b.action}`}
            disabled={busy}
            aria-expanded={b.form ? form === b.form : undefined}
            title={b.key ? `${b.label} (${b.key})` : b.label}
            onClick={() => click(b.action, b.form)}
          >
            {b.label}
          </button>
        ))}
      </div>
      {actionError && !form && (
        <p className="form-error" data-testid="form-error" role="alert">
          {actionError}
        </p>
      )}
      {form && <CaseFormView key={`${c.id}:${form}`} form={form} summary={summary} reference={reference} />}
      <TrafficCopDialog />
    </aside>
  );
}

/** Colleagues on this case right now: "Kim Lee is viewing", "Kim Lee is replying". */
export function PresenceChips({ caseId }: { caseId: number }) {
  const { presence } = useModel();
  const people = useStore(presence, (s) => s.byCase[caseId]);
  if (!people || people.length === 0) return null;
  return (
    <ul className="presence" data-testid="presence" aria-label="Also on this case">
      {people.map((p) => (
        <li key={p.username} className={`presence-chip presence-chip--${p.activity}`} data-testid="presence-chip" data-username={p.username} data-activity={p.activity}>
          <span className="dot" aria-hidden="true" />
          {p.display_name} is {p.activity === 'replying' ? 'replying' : 'viewing'}
        </li>
      ))}
    </ul>
  );
}

/** Every notice sync left about this case, newest last; unseen ones can be dismissed. */
function CaseNotices({ caseId }: { caseId: number }) {
  const { notices } = useModel();
  const forCase = useStore(notices, (s) => (s.caseId === caseId ? s.forCase : null));
  if (!forCase || forCase.length === 0) return null;
  return (
    <ul className="notice-list case-notices" data-testid="case-notices" aria-label="Notices about this case">
      {forCase.map((n) => (
        <NoticeLine key={n.id} notice={n} onDismiss={() => void notices.dismiss([n.id])} />
      ))}
    </ul>
  );
}

/** At send time: what happened on the case since the agent opened the reply. */
function TrafficCopDialog() {
  const { customer } = useModel();
  const cop = useStore(customer, (s) => s.trafficCop);
  if (!cop) return null;
  return (
    <Dialog title="Before you send" onClose={() => customer.review()} testId="traffic-cop" className="traffic-cop">
      <div className="dialog-text">
        <p>Since you opened this case:</p>
        <ul className="traffic-news" data-testid="traffic-news">
          {cop.news.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      </div>
      <div className="form-buttons">
        <button type="button" className="btn btn--primary" data-testid="traffic-send" onClick={() => void customer.sendAnyway()}>
          Send anyway
        </button>
        <button type="button" className="btn" data-testid="traffic-review" data-autofocus onClick={() => customer.review()}>
          Review
        </button>
      </div>
    </Dialog>
  );
}

function closureLabel(reference: ReferenceData | null, code: string): string {
  return reference?.closure_codes.find((c) => c.code === code)?.label ?? code;
}

interface FormProps {
  form: CaseForm;
  summary: CaseSummary;
  reference: ReferenceData | null;
}

function CaseFormView({ form, summary, reference }: FormProps) {
  switch (form) {
    case 'reply':
    case 'note':
      return <ComposeForm kind={form} />;
    case 'assign':
      return <AssignForm summary={summary} reference={reference} />;
    case 'escalate':
      return <ReasonForm kind="escalate" />;
    case 'reopen':
      return <ReasonForm kind="reopen" />;
    case 'resolve':
      return <ResolveForm reference={reference} />;
  }
}

function FormError() {
  const { customer } = useModel();
  const error = useStore(customer, (s) => s.formError);
  if (!error) return null;
  return (
    <p className="form-error" data-testid="form-error" role="alert">
      {error}
    </p>
  );
}

/** Ctrl/⌘+Enter sends a form from a textarea. */
function submitOnModEnter(e: KeyboardEvent<HTMLTextAreaElement>) {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    e.currentTarget.form?.requestSubmit();
  }
}

function FormButtons({ label, testId, modEnter = false }: { label: string; testId: string; modEnter?: boolean }) {
  const { customer } = useModel();
  const busy = useStore(customer, (s) => s.busy);
  return (
    <div className="form-buttons">
      <button type="submit" className="btn btn--primary" data-testid={testId} disabled={busy}>
        {busy ? 'Saving…' : label}
      </button>
      <button type="button" className="btn btn--ghost" onClick={() => customer.openForm(null)}>
        Cancel
      </button>
      <span className="muted hint">{modEnter ? 'Ctrl+Enter to send · Esc to cancel' : 'Esc to cancel'}</span>
    </div>
  );
}

/** A form field's current value, read from the DOM when the form is sent. */
function field(form: HTMLFormElement, name: string): string {
  const v = new FormData(form).get(name);
  return typeof v === 'string' ? v : '';
}

function ComposeForm({ kind }: { kind: 'reply' | 'note' }) {
  const { customer, presence } = useModel();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const text = field(e.currentTarget, 'body');
    if (text.trim() === '') {
      customer.setFormError(kind === 'reply' ? 'Write the reply first' : 'Write the note first');
      return;
    }
    void (kind === 'reply' ? customer.sendReply(text) : customer.act({ type: 'add_note', body: text }));
  };
  const caseId = customer.state.selectedCaseId;
  const replying = (on: boolean) => () => {
    if (kind === 'reply' && caseId !== null) presence.track(caseId, on ? 'replying' : 'viewing');
  };
  return (
    <form className="case-form" data-testid={`${kind}-form`} onSubmit={submit} noValidate>
      <label className="field">
        <span className="field-label">{kind === 'reply' ? 'Reply to the customer' : 'Internal note (the customer never sees it)'}</span>
        <textarea
          name="body"
          data-testid="compose-text"
          rows={5}
          autoFocus
          defaultValue=""
          onKeyDown={submitOnModEnter}
          onFocus={replying(true)}
          onBlur={replying(false)}
        />
      </label>
      <FormError />
      <FormButtons label={kind === 'reply' ? 'Send reply' : 'Add note'} testId="compose-submit" modEnter />
    </form>
  );
}

function AssignForm({ summary, reference }: { summary: CaseSummary; reference: ReferenceData | null }) {
  const { customer, session } = useModel();
  const me = useStore(session, (s) => s.status?.user ?? null);
  const agentRef = useRef<HTMLSelectElement>(null);
  const c = summary.case;
  const agents = [...new Set([...(reference?.agents ?? []), ...(me ? [me] : []), ...(c.assignee ? [c.assignee] : [])])];
  const queues = [...new Set([...(reference?.queues ?? []), c.queue])];
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const agent = field(e.currentTarget, 'agent');
    const queue = field(e.currentTarget, 'queue');
    if (agent === (c.assignee ?? '') && queue === c.queue) {
      customer.setFormError('Choose a different agent or queue');
      return;
    }
    void customer.act({ type: 'assign', assignee: agent === '' ? null : agent, queue });
  };
  return (
    <form className="case-form" data-testid="assign-form" onSubmit={submit} noValidate>
      <div className="field-row">
        <label className="field">
          <span className="field-label">Agent</span>
          <select ref={agentRef} name="agent" data-testid="assign-agent" autoFocus defaultValue={c.assignee ?? ''}>
            <option value="">Unassigned</option>
            {agents.map((a) => (
              <option key={a} value={a}>
                {a}
                {a === me ? ' (you)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Queue</span>
          <select name="queue" data-testid="assign-queue" defaultValue={c.queue}>
            {queues.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
        </label>
      </div>
      {me && c.assignee !== me && (
        <button
          type="button"
          className="btn btn--link assign-me"
          onClick={() => {
            if (agentRef.current) agentRef.current.value = me;
          }}
        >
          Assign to me
        </button>
      )}
      <FormError />
      <FormButtons label="Assign" testId="assign-submit" />
    </form>
  );
}

function ReasonForm({ kind }: { kind: 'escalate' | 'reopen' }) {
  const { customer } = useModel();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const reason = field(e.currentTarget, 'reason');
    if (reason.trim() === '') {
      customer.setFormError(kind === 'escalate' ? 'Say why it needs escalating' : 'Say why it is being reopened');
      return;
    }
    void customer.act(kind === 'escalate' ? { type: 'escalate', reason } : { type: 'reopen', reason });
  };
  return (
    <form className="case-form" data-testid={`${kind}-form`} onSubmit={submit} noValidate>
      <label className="field">
        <span className="field-label">{kind === 'escalate' ? 'Reason for escalating' : 'Reason for reopening'}</span>
        <input type="text" name="reason" data-testid={`${kind}-reason`} autoFocus defaultValue="" />
      </label>
      <FormError />
      <FormButtons label={kind === 'escalate' ? 'Escalate' : 'Reopen'} testId={`${kind}-submit`} />
    </form>
  );
}

export function ResolveForm({ reference }: { reference: ReferenceData | null }) {
  const { customer } = useModel();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void customer.resolve(field(e.currentTarget, 'closure_code'), field(e.currentTarget, 'summary'));
  };
  return (
    <form className="case-form" data-testid="resolve-form" onSubmit={submit} noValidate>
      <label className="field">
        <span className="field-label">Closure code</span>
        <select name="closure_code" data-testid="closure-code" autoFocus defaultValue="">
          <option value="">Choose a closure code…</option>
          {(reference?.closure_codes ?? []).map((c) => (
            <option key={c.code} value={c.code}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Summary of what was done</span>
        <textarea name="summary" data-testid="resolve-summary" rows={4} defaultValue="" onKeyDown={submitOnModEnter} />
      </label>
      <FormError />
      <FormButtons label="Resolve case" testId="resolve-submit" modEnter />
    </form>
  );
}
