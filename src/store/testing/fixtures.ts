/** Plain data shared by the store and worker tests. */
import type { ModelInfo } from '../../worker/protocol';

/** A trained model's description as the worker reports it; override any field. */
export function modelInfo(overrides: Partial<ModelInfo> = {}): ModelInfo {
  return {
    config: { size: 16, latent: 8, width: 4, channels: 3 },
    trainedAt: '2020-01-01T00:00:00Z',
    epochsDone: 2,
    stopped: false,
    finalLoss: 1,
    calibration: {},
    calibratedWith: null,
    ...overrides,
  };
}
