import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseUrlOptions, vaeConfigFor } from './defaults';

describe('parseUrlOptions', () => {
  it('keeps the defaults without parameters', () => {
    expect(parseUrlOptions('')).toEqual({ settings: DEFAULT_SETTINGS, backend: null, threads: null, testHook: false, settingsChosen: false });
  });

  it('reads every documented parameter', () => {
    const o = parseUrlOptions('?backend=WebGPU&size=16&latent=8&epochs=3&batch=8&lr=0.003&alpha=0.5&lambda=0.2&iterations=6&variant=plain&test=1');
    expect(o.backend).toBe('webgpu');
    expect(o.testHook).toBe(true);
    expect(o.settings.model).toMatchObject({ size: 16, latent: 8 });
    expect(o.settings.train).toMatchObject({ epochs: 3, batchSize: 8, learningRate: 0.003 });
    expect(o.settings.projection).toEqual({ alpha: 0.5, lambda: 0.2, iterations: 6, variant: 'plain' });
  });

  it('clamps out-of-range values, snaps the size and ignores garbage', () => {
    const o = parseUrlOptions('?size=100&iterations=100000&epochs=abc&alpha=-3');
    expect(o.settings.model.size).toBe(128);
    expect(o.settings.projection.iterations).toBe(200);
    expect(o.settings.train.epochs).toBe(DEFAULT_SETTINGS.train.epochs);
    expect(o.settings.projection.alpha).toBe(0.05);
  });

  it('reads each projection variant and keeps the default for an unknown one', () => {
    expect(parseUrlOptions('?variant=calibrated').settings.projection.variant).toBe('calibrated');
    expect(parseUrlOptions('?variant=weighted').settings.projection.variant).toBe('weighted');
    expect(parseUrlOptions('?variant=other').settings.projection.variant).toBe(DEFAULT_SETTINGS.projection.variant);
  });

  it('reads the model shape, the reconstruction term and the time budget', () => {
    const o = parseUrlOptions('?bottom=4&recon=mix&budget=2');
    expect(o.settings.model.bottom).toBe(4);
    expect(o.settings.model.reconstruction).toMatchObject({ kind: 'mix', window: 11 });
    expect(o.settings.train.timeBudgetSec).toBe(120);
    expect(parseUrlOptions('?threads=2').threads).toBe(2);
    expect(parseUrlOptions('?threads=0').threads).toBe(1);
    expect(parseUrlOptions('?threads=x').threads).toBeNull();
    expect(parseUrlOptions('?denoise=0.2').settings.train.denoise).toBe(0.2);
    expect(parseUrlOptions('?denoise=3').settings.train.denoise).toBe(0.5);
    expect(parseUrlOptions('?bottleneck=dense').settings.model.bottleneck).toBe('dense');
    expect(parseUrlOptions('?bottleneck=spatial').settings.model.bottleneck).toBe('spatial');
    expect(parseUrlOptions('?bottleneck=global').settings.model.bottleneck).toBe(DEFAULT_SETTINGS.model.bottleneck);
    expect(parseUrlOptions('?bottom=5&recon=nope').settings.model).toMatchObject({ bottom: DEFAULT_SETTINGS.model.bottom, reconstruction: DEFAULT_SETTINGS.model.reconstruction });
  });
});

describe('vaeConfigFor', () => {
  it('halves the image down to the smallest feature map, within the depths the model allows', () => {
    const m = DEFAULT_SETTINGS.model;
    expect(vaeConfigFor({ ...m, size: 64, bottom: 8 }).depth).toBe(3);
    expect(vaeConfigFor({ ...m, size: 256, bottom: 4 }).depth).toBe(5);
    expect(vaeConfigFor({ ...m, size: 16, bottom: 16 }).depth).toBe(1);
    expect(vaeConfigFor({ ...m, size: 128, bottom: 16 })).toMatchObject({ size: 128, depth: 3, latent: m.latent, bottleneck: m.bottleneck, reconstruction: m.reconstruction });
    // Auto: 16 px up to 64 px images, 8 px above.
    expect([16, 32, 64, 128, 256].map((size) => vaeConfigFor({ ...m, size, bottom: 0 }).depth)).toEqual([1, 1, 2, 4, 5]);
  });
});
