/** Evaluation against the ground-truth masks: AUROC, AUPRO and F1-max per method, and the ROC curves. */
import type { AnomalyMethod } from '../../engine/types';
import type { MethodMetrics } from '../../worker/protocol';
import { useApp } from '../context';
import { RocChart } from './RocChart';

const METHODS: { key: AnomalyMethod; label: string }[] = [
  { key: 'residual', label: 'Residual' },
  { key: 'projection', label: 'Projection' },
];

type Column = { key: keyof Pick<MethodMetrics, 'pixelAuroc' | 'aupro' | 'imageAuroc' | 'pixelF1Max' | 'imageF1Max'>; label: string; title?: string };

const COLUMNS: Column[] = [
  { key: 'pixelAuroc', label: 'Pixel AUROC' },
  {
    key: 'aupro',
    label: 'AUPRO (FPR ≤ 0.3)',
    title:
      'Per-region overlap, the MVTec AD localization metric: each connected defect region counts equally whatever its size. ' +
      'The area under the mean region overlap plotted against the false-positive rate on normal pixels, from 0 to 0.3, divided by 0.3 (1 = perfect).',
  },
  { key: 'imageAuroc', label: 'Image AUROC' },
  { key: 'pixelF1Max', label: 'Pixel F1-max' },
  { key: 'imageF1Max', label: 'Image F1-max' },
];

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : 'n/a';
}

export function Metrics() {
  const evaluation = useApp((s) => s.evaluation);
  const hasMasks = useApp((s) => s.test.some((t) => t.hasMask));
  if (!evaluation) {
    return (
      <p className="muted small" data-testid="metrics-empty">
        {hasMasks
          ? 'Press Inspect all to compute pixel and image ROC AUC, AUPRO and F1-max against the masks.'
          : 'Metrics need ground truth: the demo set, or masks named <name>_mask.png (or an MVTec ground_truth folder) dropped with the test images.'}
      </p>
    );
  }
  return (
    <div className="metrics" data-testid="metrics">
      <table className="metrics-table" aria-label="Evaluation metrics">
        <thead>
          <tr>
            <th scope="col">Method</th>
            {COLUMNS.map((c) => (
              <th key={c.key} scope="col" title={c.title}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {METHODS.map((m) => {
            const x = evaluation.metrics[m.key];
            return (
              <tr key={m.key}>
                <th scope="row">{m.label}</th>
                {COLUMNS.map((c) => (
                  <td key={c.key} className="num" data-testid="metric" data-method={m.key} data-metric={c.key} data-value={x ? String(x[c.key]) : ''}>
                    {x ? fmt(x[c.key]) : '–'}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted small">
        On {evaluation.labelled} images with ground truth (images without a mask count as defect-free).
      </p>
      <div className="roc-pair">
        <RocChart which="pixelRoc" title="Pixel ROC" />
        <RocChart which="imageRoc" title="Image ROC" />
      </div>
    </div>
  );
}
