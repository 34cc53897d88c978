/** Plain-text tables for the CLI tools. */
import type { CategoryReport, MethodPair } from './evaluate';

export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');

export function formatTable(
  cats: Record<string, CategoryReport>,
  mean: { pixelAuroc: MethodPair; imageAuroc: MethodPair; trainSeconds: number; msPerProjectionStep: number },
): string {
  const header = ['category', 'pixel AUROC residual', 'pixel AUROC projection', 'image AUROC residual', 'image AUROC projection', 'train s', 'ms/proj step'];
  const row = (name: string, r: { pixelAuroc: MethodPair; imageAuroc: MethodPair; trainSeconds: number; msPerProjectionStep: number }) => [
    name, f4(r.pixelAuroc.residual), f4(r.pixelAuroc.projection), f4(r.imageAuroc.residual), f4(r.imageAuroc.projection),
    r.trainSeconds.toFixed(1), r.msPerProjectionStep.toFixed(2),
  ];
  return textTable(header, [...Object.entries(cats).map(([n, r]) => row(n, r)), row('mean', mean)]);
}
