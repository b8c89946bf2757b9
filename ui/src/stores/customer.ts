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

  /** The case as it was when the reply form opened: what the traffic cop compares with. */
  replyBasis: ReplyBasis | null;
  /** Set while the traffic-cop dialog asks whether to send anyway. */
  trafficCop: TrafficCop | null;
}

export interface ReplyBasis {
  caseId: number;
  /** The case's version in the cache (null in demo mode). */
  version: number | null;
  /** When the view was loaded (RFC 3339). */
  at: string;
}

export interface TrafficCop {
  caseId: number;
  body: string;
  /** "Kim Lee replied at 14:05", … */
  news: string[];
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
  replyBasis: null,
  trafficCop: null,
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

  /**
   * Something changed in the cache (a sync): the overview again, and the newest
   * timeline items added on top of what is loaded, so older pages and the scroll stay.
   */
  async liveRefresh(): Promise<void> {
    const query = this.#query(null);
    if (!query) return;
    const overview = this.loadOverview();
    if (this.state.jumpedTo !== null) {
      await overview;
      return;
    }
    const gen = this.#timelineGen;
    try {
      const page = await api.timelinePage(query, null);
      if (gen !== this.#timelineGen) return;
      this.set((s) => {
        const known = new Set(s.items.map(itemKey));
        const fresh = page.items.filter((i) => !known.has(itemKey(i)));
        if (fresh.length === 0) return {};
        const shift = s.selectedItem >= 0 ? s.selectedItem + fresh.length : -1;
        return { items: [...fresh, ...s.items], selectedItem: shift };
      });
    } catch (e) {
      if (gen === this.#timelineGen) this.set({ timelineError: api.errorMessage(e) });
    }
    await overview;
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
    this.set({ selectedCaseId: caseId, form: null, formError: null, actionError: null, replyBasis: null, trafficCop: null });
  }

  /** The selected case's version and now: what "since you opened it" means. */
  #basis(): ReplyBasis | null {
    const c = this.selectedCase();
    return c ? { caseId: c.case.id, version: c.version, at: new Date().toISOString() } : null;
  }

  selectedCase(): CaseSummary | undefined {
    const { overview, selectedCaseId } = this.state;
    return overview?.cases.find((c) => c.case.id === selectedCaseId);
  }

  hopFor(touchpointId: number): ChannelHop | undefined {
    return this.state.overview?.hops.find((h) => h.to_touchpoint === touchpointId);
  }

  openForm(form: CaseForm | null): void {
    const keep = form === 'reply' && this.state.form === 'reply';
    this.set({
      form,
      formError: null,
      actionError: null,
      replyBasis: form === 'reply' ? (keep ? this.state.replyBasis : this.#basis()) : null,
      trafficCop: null,
    });
  }

  /**
   * Sends a reply, but first asks the cache what happened on the case since the agent
   * opened the reply (the traffic cop). When something did, the dialog asks first.
   */
  async sendReply(body: string): Promise<boolean> {
    const caseId = this.state.selectedCaseId;
    if (caseId === null || this.state.busy) return false;
    const basis = this.state.replyBasis?.caseId === caseId ? this.state.replyBasis : this.#basis();
    if (basis) {
      this.set({ busy: true });
      let news: string[] = [];
      try {
        news = await api.trafficCheck(caseId, { version: basis.version, at: basis.at });
      } catch {
        news = []; // the check is a courtesy: never block a reply on it
      }
      this.set({ busy: false });
      if (news.length > 0) {
        this.set({ trafficCop: { caseId, body, news } });
        return false;
      }
    }
    return this.act({ type: 'reply', body }, basis?.version ?? null);
  }

  /** The traffic cop's "Send anyway". */
  async sendAnyway(): Promise<boolean> {
    const t = this.state.trafficCop;
    if (!t) return false;
    const version = this.state.replyBasis?.version ?? null;
    this.set({ trafficCop: null });
    return this.act({ type: 'reply', body: t.body }, version);
  }

  /** The traffic cop's "Review": back to the reply, which now counts from here. */
  review(): void {
    if (!this.state.trafficCop) return;
    this.set({ trafficCop: null, replyBasis: this.#basis() });
    void this.liveRefresh();
  }

  setFormError(formError: string | null): void {
    this.set({ formError });
  }

  /**
   * Applies `action` to the selected case. On success the form closes and the
   * overview, the timeline and the status bar refresh; on failure the message shows
   * inline (in the form if one is open). Resolves to whether it was applied.
   */
  async act(action: CaseAction, basis?: number | null): Promise<boolean> {
    const caseId = this.state.selectedCaseId;
    if (caseId === null || this.state.busy) return false;
    const version = basis === undefined ? (this.selectedCase()?.version ?? null) : basis;
    this.set({ busy: true, formError: null, actionError: null });
    try {
      await api.applyMutation({ type: 'case', case_id: caseId, action }, version);
      this.set({ busy: false, form: null, replyBasis: null });
      this.afterMutation();
      await this.refresh();
      return true;
    } catch (e) {
      const msg = api.errorMessage(e);
      this.set(this.state.form ? { busy: false, formError: msg } : { busy: false, actionError: msg });
      return false;
    }
  }

  /** The agent's Retry on a failed outbound message: queued again at once. */
  async retryDelivery(touchpointId: number): Promise<boolean> {
    if (this.state.busy) return false;
    this.set({ busy: true, actionError: null });
    try {
      await api.applyMutation({ type: 'retry_delivery', touchpoint_id: touchpointId });
      this.set({ busy: false });
      this.afterMutation();
      await this.refresh();
      return true;
    } catch (e) {
      this.set({ busy: false, actionError: api.errorMessage(e) });
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
