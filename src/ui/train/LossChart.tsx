/** Live loss curve (training per step, validation per epoch) with uPlot, fed by subscription. */
import { useCallback, useRef } from 'react';
import type uPlot from 'uplot';
import { useApp, useServices } from '../context';
import { cssVar, shortTicks, staticCursor, themedAxis, useUplot } from '../common/useUplot';
import { lossSeries } from './lossSeries';

export function LossChart() {
  const { store } = useServices();
  const box = useRef<HTMLDivElement>(null);
  const options = useCallback(
    (width: number, height: number): uPlot.Options => ({
      width,
      height,
      legend: { show: true, live: false },
      cursor: staticCursor(),
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [
        themedAxis({ label: 'epoch', size: 30 }),
        themedAxis({ size: 44, values: shortTicks }),
      ],
      series: [
        {},
        { label: 'train', stroke: cssVar('--accent', '#2563eb'), width: 1.5, spanGaps: true },
        { label: 'validation', stroke: cssVar('--warn', '#d97706'), width: 1.5, spanGaps: true, points: { show: true, size: 5 } },
      ],
    }),
    [],
  );
  const subscribe = useCallback(
    (update: (d: uPlot.AlignedData) => void) => {
      update(lossSeries(store.getState()));
      return store.subscribe((s, prev) => {
        if (s.steps !== prev.steps || s.history !== prev.history) update(lossSeries(s));
      });
    },
    [store],
  );
  useUplot(box, 140, options, subscribe);
  const empty = useApp((s) => s.steps.length === 0 && s.history.length === 0);
  return (
    <div className={`chart-wrap${empty ? ' empty' : ''}`}>
      <div ref={box} className="chart" role="img" aria-label="Loss curve: training and validation loss per epoch" data-testid="loss-chart" />
      {empty && <p className="chart-placeholder muted small">The loss curve appears here while the model trains.</p>}
    </div>
  );
}
