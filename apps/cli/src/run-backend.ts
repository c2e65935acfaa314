import { availableParallelism } from 'node:os';
import { type BackendInfo, type BackendRequest, initBackend } from '@runge/tensor-ops';

/** `backend: wasm (SIMD), 2 thread(s)`: the line commands print about the backend. */
export function describeBackend(info: BackendInfo): string {
  return `backend: ${info.backend}${info.simd ? ' (SIMD)' : ''}, ${info.threads ?? 'auto'} thread(s)`;
}

/** The wasm threads used when a run does not say: the machine's cores, at most 8. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * Selects the TF.js backend of a command: `backend` as configured, and for wasm `threads`
 * XNNPACK threads (default {@link defaultThreads}). XNNPACK splits the output of a convolution
 * or matrix product between threads, never a sum, so results do not depend on the count.
 */
export function initRunBackend(config: {
  readonly backend?: string;
  readonly threads?: number;
}): Promise<BackendInfo> {
  return initBackend({
    backend: (config.backend ?? 'auto') as BackendRequest,
    threads: config.threads ?? defaultThreads(),
  });
}
