// Which agent actions are legal in which status. Mirrors `Case::apply` in
// crates/core/src/case.rs; the back end still validates, this only hides what would
// be refused.

import type { CaseStatus } from '../api/types';

export type CaseActionName =
  | 'acknowledge'
  | 'reply'
  | 'note'
  | 'assign'
  | 'escalate'
  | 'pending'
  | 'resume'
  | 'resolve'
  | 'close'
  | 'reopen';

const LEGAL: Record<CaseActionName, readonly CaseStatus[]> = {
  acknowledge: ['new'],
  reply: ['new', 'open', 'pending'],
  note: ['new', 'open', 'pending', 'resolved', 'closed'],
  assign: ['new', 'open', 'pending'],
  escalate: ['new', 'open', 'pending'],
  pending: ['open'],
  resume: ['pending'],
  resolve: ['open', 'pending'],
  close: ['resolved'],
  reopen: ['resolved', 'closed'],
};

export const ACTION_ORDER: readonly CaseActionName[] = [
  'acknowledge',
  'reply',
  'note',
  'assign',
  'escalate',
  'pending',
  'resume',
  'resolve',
  'close',
  'reopen',
];

export function isLegal(action: CaseActionName, status: CaseStatus): boolean {
  return LEGAL[action].includes(status);
}

export function legalActions(status: CaseStatus): CaseActionName[] {
  return ACTION_ORDER.filter((a) => isLegal(a, status));
}

export function isActive(status: CaseStatus): boolean {
  return status === 'new' || status === 'open' || status === 'pending';
}
