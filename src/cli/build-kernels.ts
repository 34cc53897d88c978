/**
 * CLI: compiles src/engine/kernels/simd-kernels.wat into simd-kernels.generated.ts.
 *   npm run build:kernels
 */
import { writeFileSync } from 'node:fs';
import { errorMessage } from '../engine/errors';
import { GENERATED_PATH, generatedSource } from './kernels/compile';

try {
  writeFileSync(GENERATED_PATH, await generatedSource());
  console.log(`wrote ${GENERATED_PATH}`);
} catch (e) {
  // wabt's own stack names a line of its minified bundle: the message is what helps.
  console.error(errorMessage(e));
  process.exitCode = 1;
}
