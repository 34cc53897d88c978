import type { ModelDescription } from '../../engine/types';
import { modelInfo } from '../../engine/testing/fixtures';
import { DEFAULT_SETTINGS } from '../../store/defaults';
import { describe, expect, it } from 'vitest';
import type { AppState } from '../../store';
import type { InspectResult, } from '../../worker/protocol';
import { currentMap, currentProjected, currentScoreMap, scaleFor } from './maps';

const img = (v: number) => ({ width: 2, height: 1, channels: 1 as const, data: Float32Array.from([v, v]) });
const result: InspectResult = {
  testId: 't1',
  x0: img(0),
  recon: img(0.1),
  projected: img(0.2),
  residual: { method: 'residual', score: 0.4, map: Float32Array.from([0.4, 0.1]), width: 2, height: 1 },
  projection: { method: 'projection', score: 0.3, map: Float32Array.from([0.3, 0]), width: 2, height: 1 },
  energies: [],
  stopped: false,
};
const cal = (scaleMax: number) => ({ pixelThreshold: scaleMax / 2, imageThreshold: scaleMax / 3, percentile: 0.99, scaleMax, method: 'residual' as const, samples: 4 });
const model = (calibration: Omit<ModelDescription['calibration'], 'at'>): ModelDescription =>
  modelInfo({ config: { size: 2, latent: 2, width: 2, channels: 1 }, calibration: { ...calibration, at: null } });

function state(patch: Partial<AppState>): AppState {
  return { selectedId: 't1', inspection: { kind: 'none' }, frame: null, early: null, model: null, view: { method: 'projection', opacity: 1, colormap: 'inferno', thresholds: {}, sort: 'name' }, settings: DEFAULT_SETTINGS, ...patch } as AppState;
}

describe('currentMap', () => {
  it('shows the finished result of the selected image, per method', () => {
    const s = state({ inspection: { kind: 'done', result } });
    expect(Array.from(currentMap(s, 'residual')?.data ?? [])).toEqual([0.4, 0.1].map(Math.fround));
    expect(currentProjected(s)).toBe(result.projected);
    expect(currentMap({ ...s, selectedId: 'other' }, 'projection')).toBeNull();
  });

  it('while running, shows the live frame for the projection and the early residual', () => {
    const s = state({
      inspection: { kind: 'running', testId: 't1', iterations: 4 },
      frame: { kind: 'frame', iteration: 2, iterations: 4, energy: 1, image: img(0.5), map: Float32Array.from([0.2, 0.2]) },
      early: { kind: 'residual', recon: img(0.1), residual: result.residual },
    });
    expect(currentMap(s, 'projection')?.data[0]).toBeCloseTo(0.2);
    expect(currentMap(s, 'residual')?.data).toBe(result.residual.map);
  });
});

describe('currentScoreMap', () => {
  const scoreMap = Float32Array.from([0.6, 0.1]);
  const frame = { kind: 'frame', iteration: 2, iterations: 4, energy: 1, image: img(0.5), map: Float32Array.from([0.2, 0.2]) } as const;

  it("is the finished result's score map, none where the result has none", () => {
    const withScores = { ...result, projection: { ...result.projection, scoreMap } };
    expect(currentScoreMap(state({ inspection: { kind: 'done', result: withScores } }), 'projection')?.data).toBe(scoreMap);
    expect(currentScoreMap(state({ inspection: { kind: 'done', result } }), 'projection')).toBeNull();
  });

  it("while running, is the live frame's score map (the early residual's for the residual), not the final one's", () => {
    const running = { inspection: { kind: 'running', testId: 't1', iterations: 4 } } as const;
    const s = state({ ...running, frame: { ...frame, scoreMap }, early: { kind: 'residual', recon: img(0.1), residual: { ...result.residual, scoreMap } } });
    expect(currentScoreMap(s, 'projection')).toEqual({ width: 2, height: 1, data: scoreMap });
    expect(currentScoreMap(s, 'residual')?.data).toBe(scoreMap);
    expect(currentScoreMap(state({ ...running, frame }), 'projection')).toBeNull();
  });
});

describe('scaleFor', () => {
  it('uses the method calibration, else borrows the residual one, else the image max', () => {
    // The method's own calibration: the threshold starts at its image threshold (verdict and contour share it).
    expect(scaleFor(state({ model: model({ residual: cal(2), projection: { ...cal(1), method: 'projection' } }) }), 'projection')).toMatchObject({ scaleMax: 1, threshold: cal(1).imageThreshold, source: 'calibration' });
    expect(scaleFor(state({ model: model({ residual: cal(2) }) }), 'projection')).toMatchObject({ scaleMax: 2, threshold: 1, source: 'residual' });
    const s = state({ model: model({}), inspection: { kind: 'done', result } });
    expect(scaleFor(s, 'residual')).toMatchObject({ scaleMax: Math.fround(0.4), threshold: null, source: 'image' });
  });

  it('a threshold the person set wins over the calibrated one', () => {
    const s = state({ model: model({ residual: cal(2) }), view: { method: 'residual', opacity: 1, colormap: 'inferno', thresholds: { residual: 0.7 }, sort: 'name', datasetFolded: false } });
    expect(scaleFor(s, 'residual').threshold).toBe(0.7);
  });
});
