/**
 * The selected test image as it is shown under the heat map: a dropped file at its own
 * resolution (decoded here, capped), or a demo image at the working size (from the worker).
 */
import { useEffect, useState } from 'react';
import { floatToRgba } from '../../render/image';
import type { Rgba } from '../../render/types';
import type { TestItem } from '../../store';
import { useServices } from '../context';
import { decodeForView } from '../common/draw';

export function useBaseImage(item: TestItem | null, size: number): Rgba | null {
  const { client } = useServices();
  const [state, setState] = useState<{ id: string; img: Rgba } | null>(null);
  useEffect(() => {
    if (!item) return;
    let live = true;
    const done = (img: Rgba | null) => {
      if (live && img) setState({ id: item.id, img });
    };
    if (item.blob) {
      decodeForView(item.blob).then(done, (e: unknown) => console.warn('No preview for', item.name, e));
    } else {
      client
        .call('testImage', { testId: item.id, size })
        .result.then((f) => done(floatToRgba(f)))
        .catch((e: unknown) => console.warn('No preview for', item.name, e));
    }
    return () => {
      live = false;
    };
  }, [item, size, client]);
  return state && item && state.id === item.id ? state.img : null;
}
