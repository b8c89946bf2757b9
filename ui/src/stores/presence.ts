// Presence: who else has a case open ("Kim Lee is replying"), pushed by the server, and
// what this agent tells the others, sent only when it changes.

import * as api from '../api/backend';
import type { Activity, PresenceEntry } from '../api/types';
import { Store } from './store';

export interface PresenceState {
  byCase: Record<number, PresenceEntry[]>;
  /** What this agent last told the others. */
  mine: { caseId: number | null; activity: Activity };
}

const NOBODY: PresenceEntry[] = [];

export class PresenceStore extends Store<PresenceState> {
  constructor(private readonly enabled: () => boolean) {
    super({ byCase: {}, mine: { caseId: null, activity: 'viewing' } });
  }

  people(caseId: number | null): PresenceEntry[] {
    return caseId === null ? NOBODY : (this.state.byCase[caseId] ?? NOBODY);
  }

  /** A presence update from the server: everyone else on `caseId` now. */
  received(caseId: number, people: PresenceEntry[]): void {
    this.set((s) => ({ byCase: { ...s.byCase, [caseId]: people } }));
  }

  /** Says which case this agent has open (null: none) and what they are doing. */
  track(caseId: number | null, activity: Activity = 'viewing'): void {
    const m = this.state.mine;
    if (m.caseId === caseId && m.activity === activity) return;
    this.set({ mine: { caseId, activity } });
    if (this.enabled()) api.setPresence(caseId, activity).catch(() => {});
  }

  reset(): void {
    this.set({ byCase: {}, mine: { caseId: null, activity: 'viewing' } });
  }
}
