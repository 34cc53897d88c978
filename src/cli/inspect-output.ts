/**
 * What the inspect command writes: per image and method a heat map PNG and the raw map
 * (little-endian float32, row-major, width x height as in the CSV), and one results.csv.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AnomalyMethod, AnomalyResult, ProjectionSettings } from '../engine/types';
import { colormapLut, type ColormapName } from '../render/colormap';
import { colorizeField } from '../render/overlay';
import { encodePng } from './encode';

export interface ResultRow {
  file: string;
  method: AnomalyMethod;
  score: number;
  threshold: number | null;
  verdict: 'anomalous' | 'normal' | null;
  thresholdStale: boolean;
  width: number;
  height: number;
  settings: ProjectionSettings;
}

export const CSV_HEADER = ['file', 'method', 'score', 'threshold', 'verdict', 'threshold_stale', 'width', 'height', 'alpha', 'lambda', 'iterations', 'variant'];

/**
 * Output names: the path under DIR without its extension, keeping the sub-folders (so a/x.png and
 * b/x.png do not collide); when two files still share a name (x.png and x.jpg) the later one
 * keeps its extension as "_jpg".
 */
export function outputStems(rels: readonly string[]): string[] {
  const used = new Set<string>();
  return rels.map((rel) => {
    const dot = rel.lastIndexOf('.');
    const bare = dot > rel.lastIndexOf('/') + 1 ? rel.slice(0, dot) : rel;
    const stem = used.has(bare) ? `${bare}_${rel.slice(dot + 1)}` : bare;
    used.add(stem);
    return stem;
  });
}

/** The map as little-endian float32 whatever the machine's byte order. */
export function float32Le(map: Float32Array): Buffer {
  const buf = Buffer.alloc(map.length * 4);
  for (let i = 0; i < map.length; i++) buf.writeFloatLE(map[i] as number, i * 4);
  return buf;
}

/** The map in colours on the fixed scale [0, scaleMax], as the page's heat map view draws it. */
export function heatMapPng(result: AnomalyResult, colormap: ColormapName, scaleMax: number): Buffer {
  const rgba = colorizeField({ width: result.width, height: result.height, data: result.map }, colormapLut(colormap), scaleMax);
  return encodePng({ width: rgba.width, height: rgba.height, channels: 4, data: rgba.data });
}

/** Writes <stem>.<method>.png and <stem>.<method>.f32 under `out`. */
export async function writeMaps(out: string, stem: string, result: AnomalyResult, colormap: ColormapName, scaleMax: number): Promise<void> {
  const base = join(out, `${stem}.${result.method}`);
  await mkdir(dirname(base), { recursive: true });
  await writeFile(`${base}.png`, heatMapPng(result, colormap, scaleMax));
  await writeFile(`${base}.f32`, float32Le(result.map));
}

/** RFC 4180 quoting, for file names with commas, quotes or line breaks. */
function field(v: string | number | boolean | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(r: ResultRow): string {
  const { alpha, lambda, iterations, variant } = r.settings;
  return [r.file, r.method, r.score, r.threshold, r.verdict, r.thresholdStale, r.width, r.height, alpha, lambda, iterations, variant].map(field).join(',');
}

export function resultsCsv(rows: readonly ResultRow[]): string {
  return [CSV_HEADER.join(','), ...rows.map(csvLine)].join('\n') + '\n';
}
