import { describe, expect, it } from 'vitest';
import { appendNew } from './pages';

describe('appendNew', () => {
  it('appends the page and drops rows already shown', () => {
    expect(appendNew([1, 2, 3], [3, 4, 5], (n) => n)).toEqual([1, 2, 3, 4, 5]);
    expect(appendNew([{ id: 1 }], [{ id: 1 }, { id: 2 }], (r) => r.id)).toEqual([{ id: 1 }, { id: 2 }]);
  });
});
