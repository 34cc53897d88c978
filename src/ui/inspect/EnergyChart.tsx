/** E(x_t) over the projection's iterations, live. */
import { useCallback, useRef } from 'react';
import type uPlot from 'uplot';
import { useApp, useServices } from '../context';
import { cssVar, shortTicks, staticCursor, themedAxis, useUplot } from '../common/useUplot';

export function EnergyChart() {
  const { store } = useServices();
  const box = useRef<HTMLDivElement>(null);
  const options = useCallback(
    (width: number, height: number): uPlot.Options => ({
      width,
      height,
      legend: { show: false },
      cursor: staticCursor(),
      scales: { x: { time: false } },
      axes: [
        themedAxis({ label: 'iteration', size: 30 }),
        themedAxis({ size: 44, label: 'energy', values: shortTicks }),
      ],
      series: [{}, { label: 'energy', stroke: cssVar('--accent', '#2563eb'), width: 1.5, points: { show: true, size: 4 } }],
    }),
    [],
  );
  const subscribe = useCallback(
    (update: (d: uPlot.AlignedData) => void) => {
      const data = (e: { iteration: number; energy: number }[]): uPlot.AlignedData => [e.map((p) => p.iteration), e.map((p) => p.energy)];
      update(data(store.getState().energies));
      return store.subscribe((s, prev) => {
        if (s.energies !== prev.energies) update(data(s.energies));
      });
    },
    [store],
  );
  useUplot(box, 96, options, subscribe);
  const empty = useApp((s) => s.energies.length === 0);
  return (
    <div className={`chart-wrap small-chart${empty ? ' empty' : ''}`}>
      <div ref={box} className="chart" role="img" aria-label="Energy of the projection per iteration" data-testid="energy-chart" />
      {empty && <p className="chart-placeholder muted small">The energy E(xₜ) of the projection appears here.</p>}
    </div>
  );
}
