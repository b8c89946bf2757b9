import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import { createModel } from '../../stores/model';
import { iso, M, mockBackend, mutations, touchpoint } from '../../test/fixtures';

const items = [
  touchpoint({ id: 101, occurred_at: iso(-10 * M), identity: { kind: 'x_handle', value: 'ann_lee_77' } }),
  touchpoint({ id: 102, occurred_at: iso(-20 * M), channel: 'sms', identity: { kind: 'phone', value: '+447700900123' } }),
  touchpoint({ id: 103, occurred_at: iso(-30 * M), identity: { kind: 'x_handle', value: 'ann_lee_77' } }),
];

async function openUnlinked(handlers: Parameters<typeof mockBackend>[0] = {}) {
  const calls = mockBackend({
    unlinked_page: () => ({ items, next: null }),
    search: () => ({
      customers: [
        { id: 10, name: 'Ann Lee', matched_identity: null },
        { id: 11, name: 'Anna Leigh', matched_identity: null },
      ],
      cases: [],
      touchpoints: [],
    }),
    ...handlers,
  });
  const model = createModel();
  render(<App model={model} />);
  act(() => model.goUnlinked());
  await waitFor(() => expect(screen.getAllByTestId('unlinked-item')).toHaveLength(3));
  return { calls, model };
}

describe('Unlinked', () => {
  it('lists who wrote, on which channel', async () => {
    await openUnlinked();
    const rows = screen.getAllByTestId('unlinked-item');
    expect(rows.map((r) => r.dataset.channel)).toEqual(['x', 'sms', 'x']);
    expect(rows[0]!.textContent).toContain('@ann_lee_77 on X');
  });

  it('links by hand through search, then Undo unlinks and restores the items', async () => {
    const { calls } = await openUnlinked({
      apply_mutation: (a) => {
        const m = a.mutation as { type: string };
        return m.type === 'link_identity'
          ? { seq: 1, customer_id: 10, event: null, touchpoints: [101, 103] }
          : { seq: 2, customer_id: 10, event: null, touchpoints: [101, 103] };
      },
    });
    const first = screen.getAllByTestId('unlinked-item')[0]!;
    fireEvent.click(within(first).getByTestId('link-button'));
    const dialog = await screen.findByTestId('link-dialog');
    // Nothing is linked until the agent picks a customer.
    expect(mutations(calls)).toEqual([]);
    fireEvent.change(within(dialog).getByTestId('link-search'), { target: { value: 'ann' } });
    const hits = await within(dialog).findAllByTestId('link-result');
    expect(hits.map((h) => h.dataset.customerId)).toEqual(['10', '11']);
    fireEvent.click(hits[0]!);

    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain('Linked @ann_lee_77 to Ann Lee');
    expect(mutations(calls)).toEqual([{ type: 'link_identity', touchpoint_id: 101, customer_id: 10 }]);
    expect(screen.queryByTestId('link-dialog')).toBeNull();
    // Both contacts from that handle left the list.
    expect(screen.getAllByTestId('unlinked-item').map((r) => r.dataset.id)).toEqual(['102']);

    fireEvent.click(within(toast).getByTestId('toast-undo'));
    await waitFor(() => expect(screen.getAllByTestId('unlinked-item')).toHaveLength(3));
    expect(mutations(calls)[1]).toEqual({
      type: 'unlink_identity',
      identity: { kind: 'x_handle', value: 'ann_lee_77' },
      customer_id: 10,
    });
    expect(screen.getAllByTestId('unlinked-item').map((r) => r.dataset.id)).toEqual(['101', '102', '103']);
  });

  it('creates a customer from a contact, refusing an empty name', async () => {
    const { calls } = await openUnlinked({
      apply_mutation: () => ({ seq: 1, customer_id: 42, event: null, touchpoints: [102] }),
    });
    fireEvent.click(within(screen.getAllByTestId('unlinked-item')[1]!).getByTestId('create-customer-button'));
    await screen.findByTestId('create-dialog');
    fireEvent.click(screen.getByTestId('create-submit'));
    expect(screen.getByTestId('form-error').textContent).toBe("Enter the customer's name");
    fireEvent.change(screen.getByTestId('create-name'), { target: { value: 'Bo Chen' } });
    fireEvent.click(screen.getByTestId('create-submit'));
    await screen.findByTestId('toast');
    expect(mutations(calls)).toEqual([{ type: 'create_customer', touchpoint_id: 102, name: 'Bo Chen' }]);
    expect(screen.getAllByTestId('unlinked-item').map((r) => r.dataset.id)).toEqual(['101', '103']);
  });

  it('shows a failed link in the dialog', async () => {
    await openUnlinked({
      apply_mutation: () => {
        throw { message: 'that identity already belongs to C-9' };
      },
    });
    fireEvent.click(within(screen.getAllByTestId('unlinked-item')[0]!).getByTestId('link-button'));
    fireEvent.change(await screen.findByTestId('link-search'), { target: { value: 'ann' } });
    fireEvent.click((await screen.findAllByTestId('link-result'))[0]!);
    expect((await screen.findByTestId('form-error')).textContent).toBe('that identity already belongs to C-9');
    expect(screen.getAllByTestId('unlinked-item')).toHaveLength(3);
  });
});
