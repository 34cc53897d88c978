/**
 * Thumbnails in a fixed-cell grid. Past a few hundred images only the rows in view are
 * mounted (windowing on scroll), so a large folder stays cheap.
 */
import { memo, useState } from 'react';
import type { ImageInfo } from '../../worker/protocol';
import { PixelCanvas } from '../common/PixelCanvas';

const CELL = 52;
const OVERSCAN_ROWS = 2;

interface Props {
  items: ImageInfo[];
  onRemove(id: string): void;
  height: number;
  width: number;
}

const Thumb = memo(function Thumb({ item, onRemove }: { item: ImageInfo; onRemove(id: string): void }) {
  return (
    <li className="thumb" title={`${item.name} · ${item.width}×${item.height}`}>
      <PixelCanvas image={item.thumb} label={item.name} className="thumb-img" />
      <button type="button" className="thumb-remove" aria-label={`Remove ${item.name}`} onClick={() => onRemove(item.id)}>
        ×
      </button>
    </li>
  );
});

export function ThumbGrid({ items, onRemove, height, width }: Props) {
  const [scrollTop, setScrollTop] = useState(0);
  const perRow = Math.max(1, Math.floor(width / CELL));
  const rows = Math.ceil(items.length / perRow);
  const first = Math.max(0, Math.floor(scrollTop / CELL) - OVERSCAN_ROWS);
  const last = Math.min(rows, Math.ceil((scrollTop + height) / CELL) + OVERSCAN_ROWS);
  const visible = items.slice(first * perRow, last * perRow);
  return (
    <div className="thumb-scroll" style={{ height }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <ul className="thumb-grid" style={{ height: rows * CELL, paddingTop: first * CELL, gridTemplateColumns: `repeat(${perRow}, ${CELL}px)` }}>
        {visible.map((it) => (
          <Thumb key={it.id} item={it} onRemove={onRemove} />
        ))}
      </ul>
    </div>
  );
}
