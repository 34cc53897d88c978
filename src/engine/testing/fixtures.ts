/** Plain data shared by the store and worker tests. */
import type { Vae } from '../model/autoencoder';
import type { ModelDescription } from '../types';

/** A trained model's description as the worker reports it; override any field. */
export function modelInfo(overrides: Partial<ModelDescription> = {}): ModelDescription {
  return {
    format: 'manifold-lens-vae',
    formatVersion: 1,
    appVersion: '0.1.0',
    config: { size: 16, latent: 8, width: 4, channels: 3 },
    trainedAt: '2020-01-01T00:00:00Z',
    epochsDone: 2,
    stopped: false,
    finalLoss: 1,
    calibration: { at: null },
    ...overrides,
  };
}

/** A model as the worker's slot holds it: these weights with a plain description. */
export function loadedModel(vae: Vae, overrides: Partial<ModelDescription> = {}): { vae: Vae; description: ModelDescription } {
  return { vae, description: modelInfo({ config: vae.config, ...overrides }) };
}
