/** tfjs in Node for the CLI tools: wasm (fast, SIMD) or the pure-JS cpu backend. */
import { createRequire } from 'node:module';
import path from 'node:path';
import { chooseBackend, type BackendChoice } from '../engine/backend';

const require = createRequire(import.meta.url);

/** Directory of the tfjs wasm binaries, with a trailing slash (the wasm backend reads them with fs in Node). */
export function wasmDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep;
}

export async function useNodeBackend(name: 'wasm' | 'cpu'): Promise<BackendChoice> {
  const order = name === 'wasm' ? (['wasm', 'cpu'] as const) : (['cpu'] as const);
  return chooseBackend({ override: name, order, wasmPaths: wasmDir() });
}

/** The backend line for a terminal (the engine's reason is worded for the page's URL override). */
export function backendLine(asked: 'wasm' | 'cpu', choice: BackendChoice): string {
  if (choice.name === asked) return `backend: ${asked}`;
  const failed = choice.tried.find((t) => t.name === asked && !t.ok);
  return `backend: ${choice.name} (--backend ${asked} did not start: ${failed?.reason ?? 'unavailable'})`;
}
