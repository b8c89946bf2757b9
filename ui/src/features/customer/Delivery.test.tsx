import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../App';
import type { Touchpoint } from '../../api/types';
import { createModel } from '../../stores/model';
import { makeCase, mockBackend, mutations, overview, touchpoint } from '../../test/fixtures';

function outbound(facts: Touchpoint['facts']): Touchpoint {
  return touchpoint({ id: 200, customer_id: 10, case_id: 1, channel: 'sms', direction: 'outbound', facts });
}

async function show(t: Touchpoint) {
  const calls = mockBackend({
    customer_overview: () => overview([makeCase({ id: 1, customer_id: 10, status: 'open' })]),
    timeline_page: () => ({ items: [{ item: 'touchpoint', ...t }], next: null }),
  });
  const model = createModel();
  render(<App model={model} />);
  act(() => model.openCustomer(10, 1));
  return { calls, delivery: await screen.findByTestId('delivery') };
}

describe('Delivery of a reply', () => {
  it('shows where a sent message is, with no Retry', async () => {
    const { delivery } = await show(outbound({ delivery: { state: 'delivered' } }));
    expect(delivery.textContent).toBe('Delivered');
    expect(within(delivery).queryByTestId('retry-delivery')).toBeNull();
  });

  it('shows the provider’s reason for a failure and retries on request', async () => {
    const reason = 'The number has opted out of messages from us (it replied STOP).';
    const { calls, delivery } = await show(outbound({ delivery: { state: 'failed', reason, retryable: false } }));
    expect(delivery.textContent).toContain('Not delivered');
    expect(delivery.textContent).toContain(reason);
    fireEvent.click(within(delivery).getByTestId('retry-delivery'));
    await waitFor(() => expect(mutations(calls)).toEqual([{ type: 'retry_delivery', touchpoint_id: 200 }]));
  });

  it('names a missed call as such', async () => {
    mockBackend({
      customer_overview: () => overview([makeCase({ id: 1, customer_id: 10, status: 'open' })]),
      timeline_page: () => ({
        items: [{ item: 'touchpoint', ...touchpoint({ id: 201, customer_id: 10, case_id: 1, channel: 'phone', facts: { call_outcome: 'no_answer' } }) }],
        next: null,
      }),
    });
    const model = createModel();
    render(<App model={model} />);
    act(() => model.openCustomer(10, 1));
    expect((await screen.findByTestId('call-outcome')).textContent).toBe('No answer');
  });
});
