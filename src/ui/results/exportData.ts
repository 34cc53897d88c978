/**
 * The results table as CSV and JSON: one row per image and method (file name, score,
 * threshold, verdict, ground truth, settings, AUCs and AUPRO). Pure functions, tested in Node.
 */
import { verdictOf } from '../../engine/score/threshold';
import type { AnomalyMethod } from '../../engine/types';
import type { EvaluationResult } from '../../worker/protocol';


export interface ResultRow {
  file: string;
  scores: Record<AnomalyMethod, number | null>;
  /** 1 anomalous, 0 normal, null unknown. */
  label: number | null;
}

export interface ResultsExport {
  rows: ResultRow[];
  thresholds: Record<AnomalyMethod, number | null>;
  settings: { alpha: number; lambda: number; iterations: number; workingSize: number; channels: number; smoothSigma: number };
  evaluation: EvaluationResult | null;
  model: { trainedAt: string; appVersion: string } | null;
}

const METHODS: AnomalyMethod[] = ['residual', 'projection'];
const COLUMNS = ['file', 'method', 'score', 'threshold', 'verdict', 'ground_truth', 'alpha', 'lambda', 'iterations', 'working_size', 'channels', 'pixel_auroc', 'aupro', 'image_auroc', 'pixel_f1_max', 'image_f1_max'];

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function metricsOf(e: ResultsExport, m: AnomalyMethod): (number | null)[] {
  const x = e.evaluation?.metrics[m];
  return x ? [x.pixelAuroc, x.aupro, x.imageAuroc, x.pixelF1Max, x.imageF1Max] : [null, null, null, null, null];
}

export function resultsCsv(e: ResultsExport): string {
  const s = e.settings;
  const lines = [COLUMNS.join(',')];
  for (const r of e.rows) {
    for (const m of METHODS) {
      const score = r.scores[m];
      const values = [r.file, m, score, e.thresholds[m], verdictOf(score, e.thresholds[m]), r.label, s.alpha, s.lambda, s.iterations, s.workingSize, s.channels, ...metricsOf(e, m)];
      lines.push(values.map(cell).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** NaN and infinity become null (JSON has no NaN). */
function finite(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v;
}

export function resultsJson(e: ResultsExport): string {
  const metrics = Object.fromEntries(
    METHODS.filter((m) => e.evaluation?.metrics[m]).map((m) => {
      const x = e.evaluation?.metrics[m];
      return [m, { pixelAuroc: finite(x?.pixelAuroc), aupro: finite(x?.aupro), imageAuroc: finite(x?.imageAuroc), pixelF1Max: finite(x?.pixelF1Max), imageF1Max: finite(x?.imageF1Max) }];
    }),
  );
  const rows = e.rows.flatMap((r) =>
    METHODS.map((m) => ({ file: r.file, method: m, score: finite(r.scores[m]), threshold: finite(e.thresholds[m]), verdict: verdictOf(r.scores[m], e.thresholds[m]), groundTruth: r.label })),
  );
  return JSON.stringify({ app: 'manifold-lens', model: e.model, settings: e.settings, thresholds: e.thresholds, metrics, labelledImages: e.evaluation?.labelled ?? 0, rows }, null, 2);
}
