import { isCancelled, WorkerCallError } from '../worker/client';

export interface Failure {
  code: string;
  message: string;
  /** What was being done, e.g. 'Training'. */
  during: string;
}

/** A failure record for the page, or null when the job was only cancelled (not a failure). */
export function toFailure(e: unknown, during: string): Failure | null {
  if (isCancelled(e)) return null;
  if (e instanceof WorkerCallError) return { code: e.code, message: e.message, during };
  return { code: 'unknown', message: e instanceof Error ? e.message : String(e), during };
}
