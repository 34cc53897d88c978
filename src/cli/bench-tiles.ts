/** `npm run bench`'s patch-mode rows: a tiled projection step against its tile count, on wasm in Node. */
import { benchTiles, type TileBenchRow } from '../engine/bench/tiles';
import type { VaeConfig } from '../engine/types';
import { useNodeBackend } from './node-backend';
import { textTable } from './table';

/** The app's default model at 64 px (store/defaults.ts: latent 256, a 16 px smallest feature map). */
export const TILE_MODEL: VaeConfig = { size: 64, channels: 3, latent: 256, width: 16, depth: 2 };

export async function benchTilesNode(quick: boolean, log: (l: string) => void): Promise<TileBenchRow[]> {
  const choice = await useNodeBackend('wasm');
  if (choice.name !== 'wasm') throw new Error('wasm is unavailable for the tile rows');
  log('node wasm: tiled projection steps');
  return benchTiles({ config: TILE_MODEL, backend: 'wasm', tileCounts: quick ? [1, 4, 16] : [1, 4, 16, 48, 96], oneByOneUpTo: 16, repeats: quick ? 2 : 3 });
}

export function formatTileTable(rows: TileBenchRow[]): string {
  return textTable(
    ['backend', 'size', 'tiles', 'step ms', 'ms per tile', 'one by one ms', 'batched speedup'],
    rows.map((r) => [r.backend, String(r.size), String(r.tiles), r.stepMs.toFixed(1), r.perTileMs.toFixed(2), r.oneByOneMs === null ? '-' : r.oneByOneMs.toFixed(1), r.speedup === null ? '-' : r.speedup.toFixed(2)]),
  );
}
