import type { ModelDescription } from '../../engine/types';
import { modelInfo } from '../../engine/testing/fixtures';
/**
 * Calibration as the page uses it: the heat map's scale and the threshold come from the
 * held-out normal images (never this image's own max), the threshold starts at the calibrated
 * image threshold, the slider's value overrides it, and the verdict follows it.
 */
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../engine/score/calibrate';
import type { AnomalyResult } from '../../engine/types';
import type { AppState } from '../../store';

import { scaleFor } from '../inspect/maps';
import { verdictOf } from '../../engine/score/threshold';

function normalResult(seed: number): AnomalyResult {
  const map = Float32Array.from({ length: 64 }, (_, i) => ((i * 37 + seed * 11) % 64) / 640);
  return { method: 'projection', score: Math.max(...map), map, width: 8, height: 8 };
}

const at = { alpha: 1, lambda: 0.1, iterations: 4, variant: 'weighted' as const };

function state(patch: Partial<AppState>): AppState {
  const hot = Float32Array.from({ length: 64 }, (_, i) => (i === 9 ? 5 : 0.01));
  const result = { method: 'projection' as const, score: 5, map: hot, width: 8, height: 8 };
  return {
    selectedId: 't',
    inspection: { kind: 'done', result: { testId: 't', residual: { ...result, method: 'residual' }, projection: result } },
    view: { method: 'projection', opacity: 0.6, colormap: 'inferno', thresholds: {}, sort: 'score-desc' },
    model: null,
    settings: { projection: at },
    ...patch,
  } as unknown as AppState;
}

describe('calibrated scale and threshold', () => {
  const cal = calibrate([1, 2, 3, 4].map(normalResult));
  const model: ModelDescription = modelInfo({ config: { size: 8, channels: 1, latent: 4, width: 4 }, calibration: { projection: cal, at } });

  it('uses the held-out scale, not the image max, and starts the threshold at the image threshold', () => {
    const s = scaleFor(state({ model }), 'projection');
    expect(s).toEqual({ scaleMax: cal.scaleMax, threshold: cal.imageThreshold, source: 'calibration', imageThreshold: cal.imageThreshold, stale: false });
    expect(s.scaleMax).toBeLessThan(1);
    // With 4 held-out images the 99th percentile is not estimable: the max normal score is used.
    expect(cal.imageThreshold).toBe(Math.max(...[1, 2, 3, 4].map((i) => normalResult(i).score)));
  });

  it('lets the slider move the threshold, and the verdict follows it', () => {
    const moved = scaleFor(state({ model, view: { method: 'projection', opacity: 0.6, colormap: 'inferno', thresholds: { projection: 6 }, sort: 'name', datasetFolded: false } }), 'projection');
    expect(moved.threshold).toBe(6);
    expect(verdictOf(5, cal.imageThreshold)).toBe('anomalous');
    expect(verdictOf(5, moved.threshold)).toBe('normal');
    expect(verdictOf(normalResult(1).score, cal.imageThreshold)).toBe('normal');
  });

  it('marks the threshold stale once the projection settings differ from those it was calibrated at', () => {
    const moved = state({ model, settings: { projection: { ...at, alpha: 10 } } as AppState['settings'] });
    expect(scaleFor(moved, 'projection').stale).toBe(true);
    expect(scaleFor(moved, 'residual').stale).toBe(false);
    expect(scaleFor(state({ model }), 'projection').stale).toBe(false);
  });

  it("without calibration says so and falls back to the image's max", () => {
    const s = scaleFor(state({}), 'projection');
    expect(s).toMatchObject({ scaleMax: 5, threshold: null, source: 'image' });
  });
});
