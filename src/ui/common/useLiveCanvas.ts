/**
 * Draws a canvas from the store without re-rendering React: a subscription compares the
 * inputs the picture depends on and, when one changed, repaints once in the next frame.
 */
import { useEffect, type RefObject } from 'react';
import type { Rgba } from '../../render/types';
import type { AppState } from '../../store';
import { useServices } from '../context';
import { clearCanvas, drawRgba } from './draw';

/** Draws the picture of state `s` on `canvas`. */
export type Paint = (canvas: HTMLCanvasElement, s: AppState) => void;

/** A Paint that shows the image `render` picks, or clears the canvas where there is none. */
export function paintRgba(render: (s: AppState) => Rgba | null): Paint {
  return (canvas, s) => {
    const img = render(s);
    if (img) drawRgba(canvas, img);
    else clearCanvas(canvas);
  };
}

export function useLiveCanvas(ref: RefObject<HTMLCanvasElement | null>, inputs: (s: AppState) => readonly unknown[], paint: Paint): void {
  const { store } = useServices();
  useEffect(() => {
    let raf = 0;
    let last: readonly unknown[] | null = null;
    const frame = () => {
      raf = 0;
      const canvas = ref.current;
      if (canvas) paint(canvas, store.getState());
    };
    const check = (s: AppState) => {
      const now = inputs(s);
      if (last && now.length === last.length && now.every((v, i) => v === last?.[i])) return;
      last = now;
      if (raf === 0) raf = requestAnimationFrame(frame);
    };
    check(store.getState());
    const unsubscribe = store.subscribe(check);
    return () => {
      unsubscribe();
      cancelAnimationFrame(raf);
    };
  }, [store, ref, inputs, paint]);
}
