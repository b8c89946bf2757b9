import { describe, expect, it } from 'vitest';
import { clock, iso, NOW, H, M } from '../test/fixtures';
import { describeIdentity, endOfLocalDay, formatAge, formatDuration, slaView } from './format';

describe('formatDuration', () => {
  it('uses the two largest units', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(35)).toBe('35s');
    expect(formatDuration(252)).toBe('4m 12s');
    expect(formatDuration(65)).toBe('1m 05s');
    expect(formatDuration(2 * 3600 + 5 * 60 + 59)).toBe('2h 05m');
    expect(formatDuration(27 * 3600 + 120)).toBe('1d 3h');
    expect(formatDuration(3 * 86400)).toBe('3d 0h');
  });

  it('formats the size of negative durations', () => {
    expect(formatDuration(-90)).toBe('1m 30s');
  });
});

describe('formatAge', () => {
  it('is coarse below an hour and two units above', () => {
    expect(formatAge(iso(-20_000), NOW)).toBe('now');
    expect(formatAge(iso(-12 * M), NOW)).toBe('12m');
    expect(formatAge(iso(-(2 * H + 5 * M)), NOW)).toBe('2h 05m');
    expect(formatAge(iso(-(76 * H)), NOW)).toBe('3d 4h');
  });
});

describe('slaView', () => {
  it('shows time left from due_at, live', () => {
    const c = clock({ due_at: iso(2 * H + 5 * M), remaining: 999 });
    expect(slaView(c, NOW)).toEqual({ state: 'ok', text: '2h 05m left', secondsLeft: 7500 });
    // A minute later the badge has ticked on without a fetch.
    expect(slaView(c, NOW + M).text).toBe('2h 04m left');
  });

  it('turns breached once due_at passes, and counts time over', () => {
    const c = clock({ due_at: iso(-(27 * H)), state: 'ok' });
    expect(slaView(c, NOW)).toMatchObject({ state: 'breached', text: '1d 3h over' });
    const soon = clock({ due_at: iso(10_000) });
    expect(slaView(soon, NOW + 11_000)).toMatchObject({ state: 'breached', text: '1s over' });
  });

  it('keeps the server warning and warns when under a quarter of the target is left', () => {
    expect(slaView(clock({ state: 'warning', due_at: iso(3 * H) }), NOW).state).toBe('warning');
    const c = clock({ state: 'ok', target: 4 * 3600, due_at: iso(H) });
    expect(slaView(c, NOW)).toMatchObject({ state: 'warning', text: '1h 00m left' });
  });

  it('shows paused clocks with the time they have left', () => {
    const c = clock({ paused: true, due_at: null, remaining: 40 * 60, kind: 'resolution' });
    expect(slaView(c, NOW)).toEqual({ state: 'paused', text: 'Paused · 40m 00s left', secondsLeft: null });
  });

  it('describes stopped clocks', () => {
    expect(slaView(clock({ state: 'met', due_at: null }), NOW)).toMatchObject({ state: 'met', text: 'Met' });
    expect(slaView(clock({ state: 'missed', due_at: null, remaining: -300 }), NOW)).toMatchObject({
      state: 'missed',
      text: 'Missed by 5m 00s',
    });
  });

  it('trusts a server breach even if the clock drifted', () => {
    const c = clock({ state: 'breached', due_at: iso(60_000), remaining: -120 });
    expect(slaView(c, NOW)).toMatchObject({ state: 'breached', text: '2m 00s over' });
  });
});

describe('identities and dates', () => {
  it('writes identities as people read them', () => {
    expect(describeIdentity({ kind: 'x_handle', value: 'ann_lee_77' })).toBe('@ann_lee_77 on X');
    expect(describeIdentity({ kind: 'facebook_id', value: '1234567' })).toBe('1234567 on Facebook');
    expect(describeIdentity({ kind: 'phone', value: '+447700900123' })).toBe('+447700900123 (phone)');
  });

  it('jumps to the end of the chosen local day', () => {
    expect(endOfLocalDay('2026-03-01')).toBe(new Date(2026, 2, 2).toISOString());
    expect(endOfLocalDay('yesterday')).toBeNull();
  });
});
