/**
 * CLI: builds the real-texture benchmark (photographic textures from Debian's
 * openarena-081-textures, synthetic defects with exact masks) in the MVTec AD layout.
 *   npm run textures -- --out DIR [--cache DIR] [--size 128] [--seed 1] [--train 60] [--test-good 15] [--per-defect 6]
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '../../engine/errors';
import { PACKAGE, SOURCE_CATEGORIES, loadSources } from './sources';
import { DEFAULTS, buildBenchmark } from './write';
import type { CategoryInput } from './write';

const HELP = `Builds a benchmark of real photographic textures with synthetic defects (MVTec AD layout).

  npm run textures -- --out DIR [options]

  --out DIR          output folder (new, empty, or one written by this tool)
  --cache DIR        where ${PACKAGE} is downloaded and unpacked (default ${join(tmpdir(), 'rt-cache')})
  --size N           crop side in pixels (default ${DEFAULTS.size})
  --seed N           random seed; one seed gives the same files (default ${DEFAULTS.seed})
  --train N          normal training crops per category (default ${DEFAULTS.train})
  --test-good N      normal test crops per category (default ${DEFAULTS.testGood})
  --per-defect N     test crops per defect type, half small and half large (default ${DEFAULTS.perDefect})
  --help             this text
`;

function int(v: string | undefined, fallback: number, flag: string): number {
  if (v === undefined) return fallback;
  if (!/^-?\d+$/.test(v)) throw new Error(`${flag} must be an integer, got ${JSON.stringify(v)}.`);
  return Number(v);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      cache: { type: 'string' },
      size: { type: 'string' },
      seed: { type: 'string' },
      train: { type: 'string' },
      'test-good': { type: 'string' },
      'per-defect': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.out === undefined) throw new Error('--out DIR is required (see --help).');
  const started = Date.now();
  const cache = values.cache ?? join(tmpdir(), 'rt-cache');
  const sources = loadSources(cache);
  const cats: CategoryInput[] = SOURCE_CATEGORIES.map((c) => ({ name: c.name, sources: sources.get(c.name) ?? [], files: c.files.map((f) => f.path) }));
  const summary = await buildBenchmark(cats, {
    out: values.out,
    size: int(values.size, DEFAULTS.size, '--size'),
    seed: int(values.seed, DEFAULTS.seed, '--seed'),
    train: int(values.train, DEFAULTS.train, '--train'),
    testGood: int(values['test-good'], DEFAULTS.testGood, '--test-good'),
    perDefect: int(values['per-defect'], DEFAULTS.perDefect, '--per-defect'),
  });
  for (const s of summary) console.log(`${s.name}: ${s.train} train, ${s.good} good test, ${s.defective} defective test`);
  console.log(`Wrote ${summary.length} categories to ${values.out} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`textures: ${errorMessage(e)}`);
    process.exit(1);
  },
);
