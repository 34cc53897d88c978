/**
 * The one typed interface between the page and the ML worker, imported as a type on both
 * sides; each domain lists its calls in its own file. Every call is a job with an id: it answers
 * once (result or error) and may send events before that (progress, frames). A 'cancel' message
 * sets the job's stop flag, which the worker checks between steps. Only plain data crosses:
 * typed arrays, transferred. This folder holds types only.
 */
import type { EngineErrorCode } from '../../engine/errors';
import type { DatasetCalls } from './dataset';
import type { InspectionCalls } from './inspection';
import type { ModelCalls } from './model';
import type { RuntimeCalls } from './runtime';
import type { TestingCalls } from '../testing/calls';
import type { TrainingCalls } from './training';

export type * from './dataset';
export type * from './inspection';
export type * from './model';
export type * from './runtime';
export type * from '../testing/calls';
export type * from './training';

/** Every call: its arguments, its result and the events it may send before the result. */
export type Calls = RuntimeCalls & DatasetCalls & TrainingCalls & InspectionCalls & ModelCalls & TestingCalls;

export type CallName = keyof Calls;
export type CallArgs<K extends CallName> = Calls[K]['args'];
export type CallResult<K extends CallName> = Calls[K]['result'];
export type CallEvent<K extends CallName> = Calls[K]['event'];

export type Request =
  | { [K in CallName]: { kind: 'call'; id: number; call: K; args: CallArgs<K> } }[CallName]
  | { kind: 'cancel'; id: number };

export interface WireError {
  code: EngineErrorCode | 'worker-crashed' | 'unknown';
  message: string;
}

export type Response =
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'event'; id: number; event: unknown }
  | { kind: 'error'; id: number; error: WireError };
