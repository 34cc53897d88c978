/** Runtime calls: start the backend, and hear when it is lost. */
import type { BackendChoice } from '../../engine/backend';

export interface BackendLoss {
  /** 'lost': the WebGPU device is gone, the next backend is used; 'restarted': a broken backend started afresh. */
  how: 'lost' | 'restarted';
  /** What the browser said about the loss. */
  message: string;
  /** The backend now in use; null when none could start. */
  choice: BackendChoice | null;
  /** The trained model was rebuilt on the new backend (true too when there was none). */
  modelKept: boolean;
}

export interface RuntimeCalls {
  /**
   * wasmPaths: URLs of the tfjs wasm binaries as the bundler emitted them. wasmThreads: threads for
   * the WASM backend (more than 1 only where the page is cross-origin isolated). testHooks: load
   * the end-to-end tests' calls (only builds made for the tests have them).
   */
  init: {
    args: { backend: string | null; wasmPaths: Record<string, string> | null; wasmThreads: number; testHooks: boolean };
    result: BackendChoice;
    event: never;
  };
  /** Answers when the backend is lost (WebGPU device lost) and the worker moved to another one. */
  watchBackend: { args: Record<string, never>; result: BackendLoss; event: never };
}
