/**
 * Appends the next page to what is shown, leaving out anything already there: a row
 * that moved between page fetches (a case whose due time changed) must not show twice.
 */
export function appendNew<T, K>(shown: readonly T[], page: readonly T[], key: (item: T) => K): T[] {
  const seen = new Set(shown.map(key));
  return [...shown, ...page.filter((item) => !seen.has(key(item)))];
}
