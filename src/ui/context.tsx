/** The store and the worker client, handed down once; components select one value per hook. */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from '../store';
import type { MlClientLike } from '../worker/client';

export interface Services {
  store: AppStore;
  client: MlClientLike;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('useServices outside ServicesProvider');
  return s;
}

/** One value of the store; the component re-renders only when that value changes. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useServices().store, selector);
}
