/**
 * The selected test image as it is shown under the heat map: a dropped file at its own
 * resolution (decoded here, capped), or the worker's stored pixels: a demo image at the working
 * size, or a file the page cannot decode (TIFF) at the size the worker keeps it.
 */
import { useEffect, useState } from 'react';
import { floatToRgba } from '../../render/image';
import type { Rgba } from '../../render/types';
import type { TestItem } from '../../store';
import { useServices } from '../context';
import { decodeForView } from '../common/draw';

export function useBaseImage(item: TestItem | null): Rgba | null {
  const { client } = useServices();
  const [state, setState] = useState<{ id: string; img: Rgba } | null>(null);
  useEffect(() => {
    if (!item) return;
    let live = true;
    const done = (img: Rgba | null) => {
      if (live && img) setState({ id: item.id, img });
    };
    const fromWorker = () =>
      client
        .call('testImage', { testId: item.id })
        .result.then((f) => done(floatToRgba(f)))
        .catch((e: unknown) => console.warn('No preview for', item.name, e));
    if (item.blob) {
      decodeForView(item.blob).then(
        (img) => (img ? done(img) : fromWorker()),
        (e: unknown) => console.warn('No preview for', item.name, e),
      );
    } else {
      void fromWorker();
    }
    return () => {
      live = false;
    };
  }, [item, client]);
  return state && item && state.id === item.id ? state.img : null;
}
