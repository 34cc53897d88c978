/** ROC curves of both methods (uPlot), from the last evaluation. */
import { useCallback, useRef } from 'react';
import type uPlot from 'uplot';
import { alignRoc } from '../../render/roc';
import type { EvaluationResult } from '../../worker/protocol';
import { useServices } from '../context';
import { cssVar, staticCursor, themedAxis, useUplot } from '../common/useUplot';

interface Props {
  which: 'pixelRoc' | 'imageRoc';
  title: string;
}

function dataOf(e: EvaluationResult | null, which: Props['which']): uPlot.AlignedData {
  const empty = { fpr: [], tpr: [] };
  const { x, ys } = alignRoc([e?.metrics.residual?.[which] ?? empty, e?.metrics.projection?.[which] ?? empty]);
  return [x, ...ys];
}

export function RocChart({ which, title }: Props) {
  const { store } = useServices();
  const box = useRef<HTMLDivElement>(null);
  const options = useCallback(
    (width: number, height: number): uPlot.Options => ({
      width,
      height,
      title,
      legend: { live: false },
      cursor: staticCursor(),
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      axes: [
        themedAxis({ label: 'false positive rate', size: 30 }),
        themedAxis({ label: 'true positive rate', size: 36 }),
      ],
      series: [
        {},
        { label: 'residual', stroke: cssVar('--warn', '#b45309'), width: 1.5 },
        { label: 'projection', stroke: cssVar('--accent', '#2563eb'), width: 1.5 },
      ],
    }),
    [title],
  );
  const subscribe = useCallback(
    (update: (d: uPlot.AlignedData) => void) => {
      update(dataOf(store.getState().evaluation, which));
      return store.subscribe((s, prev) => {
        if (s.evaluation !== prev.evaluation) update(dataOf(s.evaluation, which));
      });
    },
    [store, which],
  );
  useUplot(box, 150, options, subscribe);
  return <div ref={box} className="chart roc-chart" role="img" aria-label={`${title}: true positive rate against false positive rate, per method`} data-testid={`roc-${which}`} />;
}
