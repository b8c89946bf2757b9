import type { CaseSummary, CustomerOverview } from '../../api/types';
import { isActive } from '../../lib/caseRules';
import { capitalise, caseRef, customerRef, identityKindLabel, identityValue, plural } from '../../lib/format';
import { useModel } from '../../stores/context';
import { useStore } from '../../stores/store';
import { CasePanel } from './CasePanel';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Timeline } from './Timeline';

export function CustomerView() {
  const { customer, nav } = useModel();
  const overview = useStore(customer, (s) => s.overview);
  const error = useStore(customer, (s) => s.overviewError);
  const loading = useStore(customer, (s) => s.overviewLoading);
  const hasHistory = useStore(nav, (s) => s.history.length > 0);

  return (
    <section className="screen customer-screen" aria-label="Customer">
      <div className="customer-top">
        <button type="button" className="btn btn--ghost back" onClick={() => nav.back()} title="Back (Alt+←)">
          ← {hasHistory ? 'Back' : 'Queue'}
        </button>
        <ErrorBanner message={error} />
        {overview ? <CustomerHeader overview={overview} /> : loading && <p className="muted pad">Loading customer…</p>}
      </div>
      <div className="customer-body">
        <Timeline />
        <CasePanel />
      </div>
    </section>
  );
}

function CustomerHeader({ overview }: { overview: CustomerOverview }) {
  const { customer } = useModel();
  const selected = useStore(customer, (s) => s.selectedCaseId);
  const c = overview.customer;
  const open = overview.cases.filter((x) => isActive(x.case.status));
  const past = overview.cases.filter((x) => !isActive(x.case.status));
  const repeat = overview.cases.some((x) => x.case.repeat_contact);

  return (
    <header className="customer-header" data-testid="customer-header">
      <div className="customer-main">
        <div className="customer-title">
          <h1 className="customer-name" data-testid="customer-name">
            {c.name}
          </h1>
          <span className="muted ref">{customerRef(c.id)}</span>
          {repeat && <span className="tag tag--warn">Repeat contact</span>}
        </div>
        <ul className="chips" aria-label="Identities">
          {c.identities.map((id) => (
            <li key={`${id.kind}:${id.value}`} className="chip" data-testid="identity" data-kind={id.kind}>
              <span className="chip-kind">{identityKindLabel(id.kind)}</span>
              <span className="chip-value">{identityValue(id)}</span>
            </li>
          ))}
          {c.identities.length === 0 && <li className="muted">No identities on record</li>}
        </ul>
        <div className="case-chips">
          <span className="label">{plural(open.length, 'open case')}</span>
          {open.map((x) => (
            <CaseChip key={x.case.id} summary={x} selected={x.case.id === selected} testId="open-case" />
          ))}
          {past.length > 0 && <span className="label">Past</span>}
          {past.slice(0, 6).map((x) => (
            <CaseChip key={x.case.id} summary={x} selected={x.case.id === selected} testId="past-case" />
          ))}
        </div>
      </div>
      <dl className="facts">
        <div>
          <dt>Touchpoints</dt>
          <dd data-testid="fact-touchpoints">{overview.touchpoints}</dd>
        </div>
        <div>
          <dt>Cases</dt>
          <dd>
            {open.length} open · {past.length} closed
          </dd>
        </div>
        <div>
          <dt>Channel hops</dt>
          <dd data-testid="fact-hops">{overview.hops.length}</dd>
        </div>
        <div>
          <dt>Repeat contact</dt>
          <dd data-testid="fact-repeat">{repeat ? 'Yes' : 'No'}</dd>
        </div>
      </dl>
    </header>
  );
}

function CaseChip({ summary, selected, testId }: { summary: CaseSummary; selected: boolean; testId: string }) {
  const { customer } = useModel();
  const c = summary.case;
  return (
    <button
      type="button"
      className={`case-chip ${selected ? 'is-selected' : ''}`}
      data-testid={testId}
      data-case-id={c.id}
      aria-pressed={selected}
      onClick={() => customer.selectCase(c.id)}
      title={c.subject}
    >
      <span className="ref">{caseRef(c.id)}</span>
      <span className="ellipsis case-chip-subject">{c.subject}</span>
      <span className={`status status--${c.status}`}>{capitalise(c.status)}</span>
      {c.repeat_contact && <span className="tag tag--warn">Repeat contact</span>}
    </button>
  );
}
