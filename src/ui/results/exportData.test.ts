import { describe, expect, it } from 'vitest';
import type { MethodMetrics } from '../../worker/protocol';
import { verdictOf } from '../../engine/score/threshold';
import { resultsCsv, resultsJson, type ResultsExport } from './exportData';

const metrics = (a: number): MethodMetrics => ({ pixelAuroc: a, aupro: a / 2, imageAuroc: NaN, pixelF1Max: 0.5, imageF1Max: 1, pixelRoc: { fpr: [], tpr: [] }, imageRoc: { fpr: [], tpr: [] } });

const input: ResultsExport = {
  rows: [
    { file: 'a,b.png', scores: { residual: 0.2, projection: 0.05 }, label: 1 },
    { file: 'c.png', scores: { residual: null, projection: 0.3 }, label: null },
  ],
  thresholds: { residual: 0.1, projection: 0.1 },
  settings: { alpha: 1, lambda: 0.1, iterations: 6, workingSize: 16, channels: 3, smoothSigma: 0.25 },
  evaluation: { stopped: false, labelled: 2, metrics: { residual: metrics(0.75), projection: metrics(0.875) } },
  model: { trainedAt: '2026-01-01T00:00:00.000Z', appVersion: '0.1.0' },
};

describe('verdictOf', () => {
  it('is anomalous strictly above the threshold, and unknown without a score or threshold', () => {
    expect(verdictOf(0.2, 0.1)).toBe('anomalous');
    expect(verdictOf(0.1, 0.1)).toBe('normal');
    expect(verdictOf(null, 0.1)).toBeNull();
    expect(verdictOf(0.3, null)).toBeNull();
  });
});

describe('resultsCsv', () => {
  it('writes one quoted-as-needed row per image and method, with settings and AUCs', () => {
    const lines = resultsCsv(input).trim().split('\r\n');
    expect(lines[0]).toBe('file,method,score,threshold,verdict,ground_truth,alpha,lambda,iterations,working_size,channels,pixel_auroc,aupro,image_auroc,pixel_f1_max,image_f1_max');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe('"a,b.png",residual,0.2,0.1,anomalous,1,1,0.1,6,16,3,0.75,0.375,,0.5,1');
    expect(lines[2]).toBe('"a,b.png",projection,0.05,0.1,normal,1,1,0.1,6,16,3,0.875,0.4375,,0.5,1');
    expect(lines[3]).toBe('c.png,residual,,0.1,,,1,0.1,6,16,3,0.75,0.375,,0.5,1');
  });
});

describe('resultsJson', () => {
  it('holds the rows, the settings and the metrics, NaN as null', () => {
    const j = JSON.parse(resultsJson(input));
    expect(j.rows).toHaveLength(4);
    expect(j.rows[3]).toEqual({ file: 'c.png', method: 'projection', score: 0.3, threshold: 0.1, verdict: 'anomalous', groundTruth: null });
    expect(j.metrics.projection).toEqual({ pixelAuroc: 0.875, aupro: 0.4375, imageAuroc: null, pixelF1Max: 0.5, imageF1Max: 1 });
    expect(j.settings.iterations).toBe(6);
  });
});
