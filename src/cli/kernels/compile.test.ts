import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, generatedSource } from './compile';

describe('the compiled kernels', () => {
  it('are those of the current simd-kernels.wat (run npm run build:kernels after editing it)', async () => {
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(await generatedSource());
  });

  it('refuse a source whose memory import the shared build cannot rewrite', async () => {
    await expect(generatedSource('(module (memory 1))')).rejects.toThrow(/must import its memory/);
  });
});
