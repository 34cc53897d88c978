/** Every failure the engine reports has one of these codes; the UI maps codes to sentences. */
export type EngineErrorCode =
  | 'bad-image'
  | 'image-too-large'
  | 'empty-dataset'
  | 'mixed-dataset'
  | 'bad-dataset-folder'
  | 'model-corrupt'
  | 'model-incompatible'
  | 'backend-unavailable'
  | 'backend-failed'
  | 'out-of-memory'
  | 'cancelled'
  | 'invalid-argument';

export class EngineError extends Error {
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
  }
}

export function isEngineError(e: unknown, code?: EngineErrorCode): e is EngineError {
  return e instanceof EngineError && (code === undefined || e.code === code);
}

/** Message of any thrown value, for logs and the UI. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
