import type { ClockStatus } from '../api/types';
import { CLOCK_LABELS, formatAge, slaView } from '../lib/format';
import { useNow } from '../lib/now';

/** The most urgent clock of a case, ticking every second from its due time. */
export function SlaBadge({ clock }: { clock: ClockStatus | undefined }) {
  const now = useNow();
  const v = slaView(clock, now);
  const title = clock ? `${CLOCK_LABELS[clock.kind]} SLA: ${v.text}` : v.text;
  return (
    <span className={`sla sla--${v.state}`} data-testid="sla-badge" data-state={v.state} title={title}>
      <span className="sla-dot" aria-hidden="true" />
      {v.text}
    </span>
  );
}

/** One clock in the case panel: its name and a live badge. */
export function ClockLine({ clock }: { clock: ClockStatus }) {
  const now = useNow();
  const v = slaView(clock, now);
  return (
    <li className="clock" data-testid="clock" data-kind={clock.kind} data-state={v.state}>
      <span className="clock-kind">{CLOCK_LABELS[clock.kind]}</span>
      <span className={`sla sla--${v.state}`}>
        <span className="sla-dot" aria-hidden="true" />
        {v.text}
      </span>
    </li>
  );
}

/** "3d 4h" since `iso`, live. */
export function Age({ since, testId }: { since: string; testId?: string }) {
  const now = useNow();
  return (
    <span className="age" data-testid={testId} title={`Opened ${new Date(since).toLocaleString()}`}>
      {formatAge(since, now)}
    </span>
  );
}
