import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import type { Case } from '../../api/types';
import { createModel } from '../../stores/model';
import { makeCase, mockBackend, mutations, overview, touchpoint } from '../../test/fixtures';

async function openCase(c: Partial<Case>, handlers: Parameters<typeof mockBackend>[0] = {}) {
  const kase = makeCase({ id: 1, customer_id: 10, ...c });
  const calls = mockBackend({
    customer_overview: () => overview([kase]),
    timeline_page: () => ({
      items: [{ item: 'touchpoint', ...touchpoint({ id: 100, customer_id: 10, case_id: 1, channel: 'phone', facts: { call_duration_secs: 252 } }) }],
      next: null,
    }),
    ...handlers,
  });
  const model = createModel();
  render(<App model={model} />);
  act(() => model.openCustomer(10, 1));
  const panel = await screen.findByTestId('case-panel');
  return { calls, panel, model };
}

describe('Case panel', () => {
  it('offers only the actions legal in the status', async () => {
    const { panel } = await openCase({ status: 'new' });
    const shown = within(panel)
      .getAllByRole('button')
      .map((b) => b.dataset.testid)
      .filter((t) => t?.startsWith('action-'));
    expect(shown).toEqual(['action-acknowledge', 'action-reply', 'action-note', 'action-assign', 'action-escalate']);
  });

  it('refuses to resolve without a closure code or a summary, without calling the backend', async () => {
    const { calls } = await openCase({ status: 'open' });
    fireEvent.click(screen.getByTestId('action-resolve'));
    const form = await screen.findByTestId('resolve-form');
    const select = within(form).getByTestId('closure-code') as HTMLSelectElement;
    expect(select.options[0]!.value).toBe('');
    expect(select.options[0]!.textContent).toBe('Choose a closure code…');

    fireEvent.click(screen.getByTestId('resolve-submit'));
    expect(screen.getByTestId('form-error').textContent).toBe('Choose a closure code');

    fireEvent.change(select, { target: { value: 'fixed' } });
    fireEvent.change(screen.getByTestId('resolve-summary'), { target: { value: '   ' } });
    fireEvent.click(screen.getByTestId('resolve-submit'));
    expect(screen.getByTestId('form-error').textContent).toBe('Write a summary of what was done');
    expect(mutations(calls)).toEqual([]);
  });

  it('resolves, then refreshes the overview, the timeline and the status bar', async () => {
    const { calls } = await openCase({ status: 'open' });
    fireEvent.click(screen.getByTestId('action-resolve'));
    fireEvent.change(screen.getByTestId('closure-code'), { target: { value: 'fixed' } });
    fireEvent.change(screen.getByTestId('resolve-summary'), { target: { value: 'Unblocked the card' } });
    const before = calls.length;
    fireEvent.click(screen.getByTestId('resolve-submit'));
    await waitFor(() => expect(screen.queryByTestId('resolve-form')).toBeNull());
    expect(mutations(calls)).toEqual([
      { type: 'case', case_id: 1, action: { type: 'resolve', closure_code: 'fixed', summary: 'Unblocked the card' } },
    ]);
    const after = calls.slice(before).map((c) => c.cmd);
    expect(after).toEqual(expect.arrayContaining(['apply_mutation', 'customer_overview', 'timeline_page', 'app_status']));
  });

  it('shows a backend refusal inline', async () => {
    await openCase(
      { status: 'open' },
      {
        apply_mutation: () => {
          throw { message: 'case CS-1 is resolved: it is already resolved' };
        },
      },
    );
    fireEvent.click(screen.getByTestId('action-resolve'));
    fireEvent.change(screen.getByTestId('closure-code'), { target: { value: 'fixed' } });
    fireEvent.change(screen.getByTestId('resolve-summary'), { target: { value: 'Done' } });
    fireEvent.click(screen.getByTestId('resolve-submit'));
    expect((await screen.findByTestId('form-error')).textContent).toBe('case CS-1 is resolved: it is already resolved');
    expect(screen.getByTestId('resolve-form')).toBeTruthy();
  });

  it('acknowledges with "a" and adds a note with "n"', async () => {
    const { calls } = await openCase({ status: 'new' });
    fireEvent.keyDown(document.body, { key: 'a' });
    await waitFor(() => expect(mutations(calls)).toHaveLength(1));
    expect(mutations(calls)[0]).toEqual({ type: 'case', case_id: 1, action: { type: 'acknowledge' } });
    await waitFor(() => expect(screen.getByTestId('action-note')).not.toHaveProperty('disabled', true));
    fireEvent.keyDown(document.body, { key: 'n' });
    const text = await screen.findByTestId('compose-text');
    // Typing "a" in the note must not acknowledge again.
    fireEvent.keyDown(text, { key: 'a' });
    fireEvent.change(text, { target: { value: 'Called back, no answer' } });
    fireEvent.click(screen.getByTestId('compose-submit'));
    await waitFor(() => expect(mutations(calls)).toHaveLength(2));
    expect(mutations(calls)[1]).toEqual({ type: 'case', case_id: 1, action: { type: 'add_note', body: 'Called back, no answer' } });
  });

  it('shows the timeline with facts and the customer header', async () => {
    await openCase({ status: 'open', repeat_contact: true });
    expect(screen.getByTestId('customer-name').textContent).toBe('Ann Lee');
    expect(screen.getAllByTestId('identity').map((i) => i.textContent)).toEqual([
      'Emailann@example.com',
      'X@ann_lee_77',
    ]);
    expect(screen.getByTestId('open-case').dataset.caseId).toBe('1');
    const item = await screen.findByTestId('timeline-item');
    expect(item.dataset).toMatchObject({ kind: 'touchpoint', channel: 'phone', id: '100' });
    expect(item.textContent).toContain('Call 4m 12s');
    expect(screen.getAllByText('Repeat contact').length).toBeGreaterThan(0);
  });

  it('jumps the timeline to a date, even when the field was filled by a script', async () => {
    const { calls } = await openCase({ status: 'open' });
    const input = screen.getByTestId('jump-date') as HTMLInputElement;
    input.value = '2026-03-01';
    fireEvent.click(screen.getByTestId('jump-go'));
    await waitFor(() => expect(calls.filter((c) => c.cmd === 'timeline_page').at(-1)!.args.jumpTo).toBe(new Date(2026, 2, 2).toISOString()));
    const q = calls.filter((c) => c.cmd === 'timeline_page').at(-1)!.args.query;
    expect(q).toMatchObject({ customer: 10, before: null, case: null, channels: null });
  });

  it('filters the timeline by case and channel through the query', async () => {
    const { calls } = await openCase({ status: 'open' });
    fireEvent.change(screen.getByTestId('timeline-case-filter'), { target: { value: '1' } });
    await waitFor(() => expect(calls.filter((c) => c.cmd === 'timeline_page').at(-1)!.args.query).toMatchObject({ case: 1 }));
    const phone = screen.getAllByTestId('timeline-channel-filter').find((b) => b.dataset.channel === 'phone')!;
    fireEvent.click(phone);
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === 'timeline_page').at(-1)!.args.query).toMatchObject({ case: 1, channels: ['phone'] }),
    );
    expect(phone.getAttribute('aria-pressed')).toBe('true');
  });

  it('marks channel hops and shows case events with their actor', async () => {
    const kase = makeCase({ id: 1, customer_id: 10 });
    const hop = { case_id: 1, from_touchpoint: 99, to_touchpoint: 100, from_channel: 'phone', to_channel: 'x', description: 'Called on Mon 2 Mar, then posted publicly on X on Tue 3 Mar about the same case' } as const;
    mockBackend({
      customer_overview: () => overview([kase], { hops: [hop] }),
      timeline_page: () => ({
        items: [
          { item: 'touchpoint', ...touchpoint({ id: 100, customer_id: 10, case_id: 1 }) },
          { item: 'case_event', id: 7, case_id: 1, customer_id: 10, at: '2026-03-02T09:00:00Z', actor: { kind: 'agent', name: 'kim' }, kind: { type: 'escalated', reason: 'Third call', level: 1 } },
        ],
        next: null,
      }),
    });
    const model = createModel();
    render(<App model={model} />);
    act(() => model.openCustomer(10));
    const items = await screen.findAllByTestId('timeline-item');
    expect(within(items[0]!).getByTestId('hop-marker').textContent).toContain('posted publicly on X');
    expect(items[0]!.textContent).toContain('Public post');
    expect(items[1]!.dataset).toMatchObject({ kind: 'case_event', id: '7', at: '2026-03-02T09:00:00Z' });
    expect(items[1]!.dataset.channel).toBeUndefined();
    expect(items[1]!.textContent).toContain('kim');
    expect(items[1]!.textContent).toContain('Escalated to level 1: Third call');
    expect(within(items[1]!).queryByTestId('hop-marker')).toBeNull();
    expect(screen.getByTestId('fact-hops').textContent).toBe('1');
  });
});
