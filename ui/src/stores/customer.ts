// One customer open in the console: the overview (identities, cases with clocks, hops),
// the unified timeline with its filters and paging, the selected case and the case
// action in progress.

import * as api from '../api/backend';
import type {
  CaseAction,
  CaseSummary,
  Channel,
  ChannelHop,
  CustomerOverview,
  TimelineCursor,
  TimelineItem,
  TimelineQuery,
} from '../api/types';
import { isActive } from '../lib/caseRules';
import { endOfLocalDay } from '../lib/format';
import { appendNew } from '../lib/pages';
import { Store } from './store';

export type CaseForm = 'reply' | 'note' | 'assign' | 'escalate' | 'resolve' | 'reopen';

export interface CustomerState {
  customerId: number | null;
  overview: CustomerOverview | null;
  overviewLoading: boolean;
  overviewError: string | null;

  items: TimelineItem[];
  next: TimelineCursor | null;
  timelineLoading: boolean;
  timelineError: string | null;
  /** The date (yyyy-mm-dd) the timeline was jumped to, or null at the newest. */
  jumpedTo: string | null;
  caseFilter: number | null;
  channels: Channel[];
  selectedItem: number;

  selectedCaseId: number | null;
  form: CaseForm | null;
  busy: boolean;
  /** An error from the open form (shown inside it) or from a one-click action. */
  formError: string | null;
  actionError: string | null;
}

export const MSG_CHOOSE_CODE = 'Choose a closure code';
export const MSG_WRITE_SUMMARY = 'Write a summary of what was done';

/** The inline error for a resolve form, or null when it may be sent. */
export function validateResolve(code: string, summary: string): string | null {
  if (code.trim() === '') return MSG_CHOOSE_CODE;
  if (summary.trim() === '') return MSG_WRITE_SUMMARY;
  return null;
}

export function itemKey(item: TimelineItem): string {
  return item.item === 'touchpoint' ? `t${item.id}` : `e${item.id}`;
}

export function itemTime(item: TimelineItem): string {
  return item.item === 'touchpoint' ? item.occurred_at : item.at;
}

const empty: CustomerState = {
  customerId: null,
  overview: null,
  overviewLoading: false,
  overviewError: null,
  items: [],
  next: null,
  timelineLoading: false,
  timelineError: null,
  jumpedTo: null,
  caseFilter: null,
  channels: [],
  selectedItem: -1,
  selectedCaseId: null,
  form: null,
  busy: false,
  formError: null,
  actionError: null,
};

export class CustomerStore extends Store<CustomerState> {
  #overviewGen = 0;
  #timelineGen = 0;

  constructor(private readonly afterMutation: () => void) {
    super(empty);
  }

  /**
   * Opens a customer. For the one already open it selects `caseId` and, unless
   * `refresh` is false, reloads what may have changed meanwhile.
   */
  async open(customerId: number, caseId: number | null = null, refresh = true): Promise<void> {
    if (this.state.customerId === customerId) {
      if (caseId !== null) this.selectCase(caseId);
      if (refresh) await this.refresh();
      return;
    }
    this.set({ ...empty, customerId, selectedCaseId: caseId });
    await Promise.all([this.loadOverview(), this.loadTimeline()]);
  }

  close(): void {
    this.#overviewGen++;
    this.#timelineGen++;
    this.set(empty);
  }

  /** The overview and the timeline's first page again (after every action). */
  async refresh(): Promise<void> {
    if (this.state.customerId === null) return;
    this.set({ jumpedTo: null });
    await Promise.all([this.loadOverview(), this.loadTimeline()]);
  }

  async loadOverview(): Promise<void> {
    const id = this.state.customerId;
    if (id === null) return;
    const gen = ++this.#overviewGen;
    this.set({ overviewLoading: true });
    try {
      const overview = await api.customerOverview(id);
      if (gen !== this.#overviewGen) return;
      let selected = this.state.selectedCaseId;
      if (selected === null || !overview.cases.some((c) => c.case.id === selected)) {
        selected = defaultCase(overview.cases);
      }
      this.set({ overview, overviewLoading: false, overviewError: null, selectedCaseId: selected });
    } catch (e) {
      if (gen === this.#overviewGen) this.set({ overviewLoading: false, overviewError: api.errorMessage(e) });
    }
  }

  #query(before: TimelineCursor | null): TimelineQuery | null {
    const { customerId, caseFilter, channels } = this.state;
    if (customerId === null) return null;
    return {
      customer: customerId,
      before,
      limit: api.TIMELINE_PAGE,
      case: caseFilter,
      channels: channels.length > 0 ? channels : null,
    };
  }

  /** The first page: the newest items, or those before the jumped-to date. */
  async loadTimeline(): Promise<void> {
    const query = this.#query(null);
    if (!query) return;
    const gen = ++this.#timelineGen;
    const jumpTo = this.state.jumpedTo ? endOfLocalDay(this.state.jumpedTo) : null;
    this.set({ timelineLoading: true, timelineError: null });
    try {
      const page = await api.timelinePage(query, jumpTo);
      if (gen !== this.#timelineGen) return;
      this.set({ items: page.items, next: page.next, timelineLoading: false, selectedItem: -1 });
    } catch (e) {
      if (gen === this.#timelineGen) this.set({ timelineLoading: false, timelineError: api.errorMessage(e) });
    }
  }

  /** The next, older page. */
  async loadOlder(): Promise<void> {
    const { next, timelineLoading } = this.state;
    if (!next || timelineLoading) return;
    const query = this.#query(next);
    if (!query) return;
    const gen = this.#timelineGen;
    this.set({ timelineLoading: true });
    try {
      const page = await api.timelinePage(query, null);
      if (gen !== this.#timelineGen) return;
      this.set((s) => ({
        items: appendNew(s.items, page.items, itemKey),
        next: page.next,
        timelineLoading: false,
      }));
    } catch (e) {
      if (gen === this.#timelineGen) this.set({ timelineLoading: false, timelineError: api.errorMessage(e) });
    }
  }

  /** Shows the timeline from the end of `date` (yyyy-mm-dd) back; "" returns to the newest. */
  jumpTo(date: string): void {
    if (date !== '' && endOfLocalDay(date) === null) {
      this.set({ timelineError: 'Enter a date as yyyy-mm-dd' });
      return;
    }
    this.set({ jumpedTo: date === '' ? null : date });
    void this.loadTimeline();
  }

  setCaseFilter(caseId: number | null): void {
    this.set({ caseFilter: caseId });
    if (caseId !== null) this.selectCase(caseId);
    void this.loadTimeline();
  }

  toggleChannel(channel: Channel): void {
    this.set((s) => ({
      channels: s.channels.includes(channel) ? s.channels.filter((c) => c !== channel) : [...s.channels, channel],
    }));
    void this.loadTimeline();
  }

  clearChannels(): void {
    if (this.state.channels.length === 0) return;
    this.set({ channels: [] });
    void this.loadTimeline();
  }

  selectItem(index: number): void {
    const n = this.state.items.length;
    if (n === 0) return;
    this.set({ selectedItem: Math.max(0, Math.min(n - 1, index)) });
  }

  moveItem(delta: number): void {
    this.selectItem(this.state.selectedItem < 0 && delta > 0 ? 0 : this.state.selectedItem + delta);
    if (this.state.selectedItem >= this.state.items.length - 3) void this.loadOlder();
  }

  /** Enter on a timeline item: select the case it belongs to. */
  openSelectedItem(): void {
    const item = this.state.items[this.state.selectedItem];
    const caseId = item?.case_id;
    if (caseId != null) this.selectCase(caseId);
  }

  selectCase(caseId: number): void {
    if (this.state.selectedCaseId === caseId) return;
    this.set({ selectedCaseId: caseId, form: null, formError: null, actionError: null });
  }

  selectedCase(): CaseSummary | undefined {
    const { overview, selectedCaseId } = this.state;
    return overview?.cases.find((c) => c.case.id === selectedCaseId);
  }

  hopFor(touchpointId: number): ChannelHop | undefined {
    return this.state.overview?.hops.find((h) => h.to_touchpoint === touchpointId);
  }

  openForm(form: CaseForm | null): void {
    this.set({ form, formError: null, actionError: null });
  }

  setFormError(formError: string | null): void {
    this.set({ formError });
  }

  /**
   * Applies `action` to the selected case. On success the form closes and the
   * overview, the timeline and the status bar refresh; on failure the message shows
   * inline (in the form if one is open). Resolves to whether it was applied.
   */
  async act(action: CaseAction): Promise<boolean> {
    const caseId = this.state.selectedCaseId;
    if (caseId === null || this.state.busy) return false;
    this.set({ busy: true, formError: null, actionError: null });
    try {
      await api.applyMutation({ type: 'case', case_id: caseId, action });
      this.set({ busy: false, form: null });
      this.afterMutation();
      await this.refresh();
      return true;
    } catch (e) {
      const msg = api.errorMessage(e);
      this.set(this.state.form ? { busy: false, formError: msg } : { busy: false, actionError: msg });
      return false;
    }
  }

  /** Resolve, refusing locally (no backend call) without a code or a summary. */
  async resolve(code: string, summary: string): Promise<boolean> {
    const problem = validateResolve(code, summary);
    if (problem) {
      this.set({ formError: problem });
      return false;
    }
    return this.act({ type: 'resolve', closure_code: code, summary: summary.trim() });
  }
}

/** The case to show first: the first active one (cases come newest first), else the newest. */
export function defaultCase(cases: CaseSummary[]): number | null {
  return (cases.find((c) => isActive(c.case.status)) ?? cases[0])?.case.id ?? null;
}
