// A minimal observable store: state is replaced, never mutated, and React reads it with
// useSyncExternalStore through `useStore(store, selector)`. Selectors must return a
// value that is stable while the state is (a field, not a new object).

import { useSyncExternalStore } from 'react';

export class Store<T extends object> {
  #state: T;
  readonly #listeners = new Set<() => void>();

  constructor(initial: T) {
    this.#state = initial;
  }

  get state(): T {
    return this.#state;
  }

  readonly getSnapshot = (): T => this.#state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  protected set(patch: Partial<T> | ((s: T) => Partial<T>)): void {
    const p = typeof patch === 'function' ? patch(this.#state) : patch;
    this.#state = { ...this.#state, ...p };
    for (const l of [...this.#listeners]) l();
  }
}

export function useStore<T extends object, S>(store: Store<T>, select: (s: T) => S): S {
  return useSyncExternalStore(store.subscribe, () => select(store.getSnapshot()));
}
