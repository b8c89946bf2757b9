import { createContext, useContext } from 'react';
import type { Model } from './model';

export const ModelContext = createContext<Model | null>(null);

export function useModel(): Model {
  const m = useContext(ModelContext);
  if (!m) throw new Error('useModel needs a <ModelContext.Provider>');
  return m;
}
