/** Sentences for the page: backend badge labels and what to do about an error code. */
import type { BackendChoice } from '../engine/backend';

export function backendBadge(choice: BackendChoice): string {
  return choice.reason;
}

const ADVICE: Record<string, string> = {
  'out-of-memory': 'Nothing loaded or trained was lost; a smaller working size or batch size needs less memory.',
  'empty-dataset': 'Add normal images first.',
  'backend-failed': 'Reload the page; the app will try the next backend.',
  'worker-crashed': 'Reload the page to start the ML worker again.',
  'model-incompatible': 'Train a new model or load one made for these images.',
  'model-corrupt': 'The file is damaged or is not a Manifold Lens model file (a .zip exported by this app); the loaded model is unchanged.',
};

export function adviceFor(code: string): string | null {
  return ADVICE[code] ?? null;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
