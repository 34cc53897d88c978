/**
 * npm run inspect -- --model MODEL.zip DIR --out OUT [--backend wasm|cpu]
 *   [--alpha X] [--lambda X] [--iterations N] [--variant weighted|plain] [--colormap NAME]
 * Scores a folder of images with a model exported from the page; `--help` says more.
 * Progress goes to stderr; the maps and results.csv to OUT. Exit code 2 for a mistake in the input.
 */
import { runInspect } from './inspect-run';

runInspect(process.argv.slice(2), (line) => console.error(line)).then((code) => {
  process.exitCode = code;
});
