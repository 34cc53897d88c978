/**
 * The one status the page shows (data-testid="status"): derived from the slices so it can
 * never disagree with them. Busy states win over resting ones, an error over everything.
 */
import type { AppState } from './types';

export type StatusState = 'idle' | 'loading' | 'training' | 'trained' | 'projecting' | 'done' | 'error';

export interface Status {
  state: StatusState;
  text: string;
}

type StatusInput = Pick<AppState, 'failure' | 'training' | 'loading' | 'backend' | 'inspection' | 'model' | 'normal' | 'selectedId' | 'test' | 'scoring'>;

function trainingText(t: Extract<AppState['training'], { kind: 'running' }>): string {
  if (t.stopping) return 'Stopping after the current step…';
  if (t.phase === 'preparing') return 'Preparing the training images…';
  if (t.phase === 'calibrating') return 'Calibrating the threshold on held-out normal images…';
  return `Training: epoch ${Math.max(1, t.epoch)} of ${t.epochs}`;
}

function nameOf(s: StatusInput, id: string): string {
  return s.test.find((t) => t.id === id)?.name ?? 'the test image';
}

function trainedText(s: StatusInput): string {
  if (s.test.length === 0) return 'Model trained. Add test images to inspect them.';
  const scoring = s.scoring ? ` Scoring the test images (${s.scoring.done} of ${s.scoring.total})…` : '';
  return `Model trained. Select a test image to watch its projection.${scoring}`;
}

export function selectStatus(s: StatusInput): Status {
  if (s.failure) return { state: 'error', text: `${s.failure.during} failed: ${s.failure.message}` };
  if (s.training.kind === 'running') return { state: 'training', text: trainingText(s.training) };
  if (s.loading) return { state: 'loading', text: `${s.loading.what} (${s.loading.done} of ${s.loading.total})` };
  if (s.backend.kind === 'starting') return { state: 'loading', text: 'Starting the ML engine…' };
  if (s.backend.kind === 'failed') return { state: 'error', text: `No ML backend could start: ${s.backend.message}` };
  const insp = s.inspection;
  if (insp.kind === 'running') return { state: 'projecting', text: `Projecting ${nameOf(s, insp.testId)} onto the normal manifold…` };
  if (insp.kind === 'done' && insp.result.testId === s.selectedId) {
    return { state: 'done', text: `Inspected ${nameOf(s, insp.result.testId)}${insp.result.stopped ? ' (interrupted)' : ''}.` };
  }
  if (s.model) return { state: 'trained', text: trainedText(s) };
  if (s.normal.length > 0) return { state: 'idle', text: `${s.normal.length} normal image${s.normal.length === 1 ? '' : 's'} ready. Press Train.` };
  return { state: 'idle', text: 'Add normal images or try the demo to start.' };
}
