/**
 * A uPlot chart bound to a container: created once, as wide as the container (the legend
 * goes below the plot's `height`), and fed by
 * a subscription (setData), so a live curve never re-renders React.
 */
import { useEffect, useRef, type RefObject } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function useUplot(
  container: RefObject<HTMLDivElement | null>,
  height: number,
  makeOptions: (width: number, height: number) => uPlot.Options,
  subscribe: (update: (data: uPlot.AlignedData) => void) => () => void,
): void {
  const plot = useRef<uPlot | null>(null);
  const makeRef = useRef(makeOptions);
  const subRef = useRef(subscribe);
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const u = new uPlot(makeRef.current(el.clientWidth || 300, height), [[]], el);
    plot.current = u;
    const unsub = subRef.current((data) => u.setData(data));
    const ro = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientWidth !== u.width) u.setSize({ width: el.clientWidth, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      unsub();
      u.destroy();
      plot.current = null;
    };
  }, [container, height]);
}

/** Colours for charts from the page's CSS variables (light or dark theme). */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** An axis in the page's theme colours; `extra` sets the label, size and tick format. */
export function themedAxis(extra: uPlot.Axis = {}): uPlot.Axis {
  return { stroke: cssVar('--muted', '#666'), grid: { stroke: cssVar('--grid', '#eee') }, labelSize: 14, ...extra };
}

/** The charts show data, not a zoom tool: dragging selects nothing. */
export function staticCursor(): uPlot.Cursor {
  return { drag: { x: false, y: false } };
}

/** Short tick labels (1.2k, 35, 0.05) so log-scale axes fit their gutter. */
export function shortTicks(_u: uPlot, splits: (number | null)[]): string[] {
  return splits.map((v) => {
    if (v === null || !Number.isFinite(v)) return '';
    const a = Math.abs(v);
    if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
    if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
    return `${+v.toPrecision(3)}`;
  });
}
