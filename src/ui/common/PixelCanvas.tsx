/**
 * A thin canvas that shows one RGBA image with putImageData. The backing store is the image's
 * own size; CSS scales it (pixelated for small working-size images). Never a WebGPU canvas.
 */
import { useEffect, useRef, type CSSProperties } from 'react';
import type { Rgba } from '../../render/types';
import { drawRgba } from './draw';

interface Props {
  image: Rgba | null;
  /** Accessible name; '' marks a decorative picture. */
  label: string;
  className?: string;
  pixelated?: boolean;
  style?: CSSProperties;
}

export function PixelCanvas({ image, label, className, pixelated = true, style }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current && image) drawRgba(ref.current, image);
  }, [image]);
  const cls = [className, pixelated ? 'pixelated' : null].filter(Boolean).join(' ');
  const a11y = label === '' ? { 'aria-hidden': true } : { role: 'img', 'aria-label': label };
  return <canvas ref={ref} {...a11y} className={cls} style={style} width={image?.width ?? 1} height={image?.height ?? 1} />;
}
