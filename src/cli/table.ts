/** Plain-text tables for the CLI tools. */
import type { CategoryReport, MethodPair } from './evaluate';

export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');

type TableRow = Pick<CategoryReport, 'pixelAuroc' | 'aupro' | 'imageAuroc' | 'trainSeconds' | 'msPerProjectionStep'>;

export function formatTable(cats: Record<string, CategoryReport>, mean: TableRow): string {
  const header = ['category', 'pixel AUROC residual', 'pixel AUROC projection', 'AUPRO residual', 'AUPRO projection', 'image AUROC residual', 'image AUROC projection', 'train s', 'ms/proj step/image'];
  const pair = (p: MethodPair) => [f4(p.residual), f4(p.projection)];
  const row = (name: string, r: TableRow) => [
    name, ...pair(r.pixelAuroc), ...pair(r.aupro), ...pair(r.imageAuroc),
    r.trainSeconds.toFixed(1), r.msPerProjectionStep.toFixed(2),
  ];
  return textTable(header, [...Object.entries(cats).map(([n, r]) => row(n, r)), row('mean', mean)]);
}
