import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import { createModel } from '../../stores/model';
import { makeCase, mockBackend, overview, touchpoint } from '../../test/fixtures';

const results = {
  customers: [{ id: 10, name: 'Ann Lee', matched_identity: { kind: 'x_handle', value: 'ann_lee_77' } }],
  cases: [{ id: 7, customer_id: 10, customer_name: 'Ann Lee', subject: 'Card declined', status: 'open' }],
  touchpoints: [touchpoint({ id: 300, customer_id: 10, case_id: 7 })],
};

describe('Command palette', () => {
  it('opens on Ctrl+K and lists customers, cases, contacts and actions from search', async () => {
    const calls = mockBackend({ search: () => results });
    render(<App model={createModel()} />);
    expect(screen.queryByTestId('palette')).toBeNull();

    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true });
    const input = await screen.findByTestId('palette-input');
    expect(document.activeElement).toBe(input);
    // Before typing: the actions.
    expect(screen.getAllByTestId('palette-result').every((r) => r.dataset.kind === 'action')).toBe(true);

    fireEvent.change(input, { target: { value: 'ann' } });
    await waitFor(() => expect(screen.getAllByTestId('palette-result')[0]!.dataset.kind).toBe('customer'));
    expect(calls.filter((c) => c.cmd === 'search').map((c) => c.args)).toEqual([{ text: 'ann' }]);
    const kinds = screen.getAllByTestId('palette-result').map((r) => `${r.dataset.kind}:${r.dataset.id}`);
    expect(kinds.slice(0, 3)).toEqual(['customer:10', 'case:7', 'touchpoint:300']);

    // Esc closes it, even from the input.
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByTestId('palette')).toBeNull();
  });

  it('debounces typing into one search', async () => {
    const calls = mockBackend({ search: () => results });
    render(<App model={createModel()} />);
    fireEvent.keyDown(document.body, { key: 'k', metaKey: true });
    const input = await screen.findByTestId('palette-input');
    for (const t of ['a', 'an', 'ann']) fireEvent.change(input, { target: { value: t } });
    await waitFor(() => expect(screen.getAllByTestId('palette-result')[0]!.dataset.kind).toBe('customer'));
    expect(calls.filter((c) => c.cmd === 'search')).toHaveLength(1);
  });

  it('opens the case’s customer with the case selected on Enter', async () => {
    const calls = mockBackend({
      search: () => results,
      customer_overview: () => overview([makeCase({ id: 2 }), makeCase({ id: 7, subject: 'Card declined' })]),
    });
    render(<App model={createModel()} />);
    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true });
    const input = await screen.findByTestId('palette-input');
    fireEvent.change(input, { target: { value: 'card' } });
    await waitFor(() => expect(screen.getAllByTestId('palette-result')[1]!.dataset.kind).toBe('case'));
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.queryByTestId('palette')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('case-panel').dataset.caseId).toBe('7'));
    expect(calls.find((c) => c.cmd === 'customer_overview')!.args).toEqual({ customer: 10 });
  });

  it('runs actions: go to unlinked, show shortcuts', async () => {
    mockBackend();
    const model = createModel();
    render(<App model={model} />);
    act(() => model.ui.open('palette'));
    fireEvent.change(await screen.findByTestId('palette-input'), { target: { value: 'unlinked' } });
    fireEvent.click(screen.getByText('Go to unlinked'));
    expect(model.nav.state.route.name).toBe('unlinked');
    fireEvent.keyDown(document.body, { key: '?' });
    expect(await screen.findByTestId('help-overlay')).toBeTruthy();
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByTestId('help-overlay')).toBeNull();
  });
});
