/**
 * Draws a canvas from the store without re-rendering React: a subscription compares the
 * inputs the picture depends on and, when one changed, repaints once in the next frame.
 */
import { useEffect, type RefObject } from 'react';
import type { Rgba } from '../../render/types';
import type { AppState } from '../../store';
import { useServices } from '../context';
import { drawRgba } from './draw';

export function useLiveCanvas(
  ref: RefObject<HTMLCanvasElement | null>,
  inputs: (s: AppState) => readonly unknown[],
  render: (s: AppState) => Rgba | null,
): void {
  const { store } = useServices();
  useEffect(() => {
    let raf = 0;
    let last: readonly unknown[] | null = null;
    const paint = () => {
      raf = 0;
      const canvas = ref.current;
      if (!canvas) return;
      const img = render(store.getState());
      if (img) drawRgba(canvas, img);
      else canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
    };
    const check = (s: AppState) => {
      const now = inputs(s);
      if (last && now.length === last.length && now.every((v, i) => v === last?.[i])) return;
      last = now;
      if (raf === 0) raf = requestAnimationFrame(paint);
    };
    check(store.getState());
    const unsubscribe = store.subscribe(check);
    return () => {
      unsubscribe();
      cancelAnimationFrame(raf);
    };
  }, [store, ref, inputs, render]);
}
