/** Test helper: the EngineError code a call throws, 'other error' for anything else, 'no error' if it returns. */
import { isEngineError, type EngineErrorCode } from '../errors';

export function errorCodeOf(fn: () => unknown): EngineErrorCode | 'no error' | 'other error' {
  try {
    fn();
  } catch (e) {
    return isEngineError(e) ? e.code : 'other error';
  }
  return 'no error';
}
