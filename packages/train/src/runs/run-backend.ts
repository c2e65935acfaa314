// The compute backend of a run: the one its configuration names, with a thread count that fits the machine.
import { type BackendInfo, type BackendRequest, initBackend } from '@runge/tensor-ops';

/** The cores this machine offers (Node: `availableParallelism`; browsers: `hardwareConcurrency`). */
export function machineCores(): number {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  if (get) return (get('os') as typeof import('node:os')).availableParallelism();
  return (
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency ?? 1
  );
}

/**
 * The threads a run computes with when its configuration does not say: the machine's cores, at
 * most 8.
 *
 * @example
 * ```ts
 * defaultThreads(); // 2 on a two-core machine
 * ```
 */
export function defaultThreads(): number {
  return Math.max(1, Math.min(8, machineCores()));
}

/**
 * Selects the backend of a run: `backend` as configured (default `'auto'`), with `threads`
 * compute threads (default {@link defaultThreads}). The wasm backend's XNNPACK splits the output
 * of a convolution or matrix product between threads, never a sum, so results do not depend on
 * the count. Returns the backend and, when the threads exceed the cores, a warning (more threads
 * than cores run several times slower).
 *
 * @example
 * ```ts
 * const { info } = await initRunBackend({ backend: 'wasm', threads: 2 });
 * ```
 */
export async function initRunBackend(config: {
  readonly backend?: string;
  readonly threads?: number;
}): Promise<{ info: BackendInfo; warnings: string[] }> {
  const threads = config.threads ?? defaultThreads();
  const info = await initBackend({
    backend: (config.backend ?? 'auto') as BackendRequest,
    threads,
  });
  const cores = machineCores();
  const warnings =
    threads > cores
      ? [
          `${threads} threads on ${cores} core${cores === 1 ? '' : 's'}: more threads than cores make training several times slower; use threads ${cores} (--threads ${cores})`,
        ]
      : [];
  return { info, warnings };
}

/**
 * `backend: wasm (SIMD), 2 thread(s)`: the backend of a run in one line.
 *
 * @example
 * ```ts
 * describeBackend(info);
 * ```
 */
export function describeBackend(info: BackendInfo): string {
  return `backend: ${info.backend}${info.simd ? ' (SIMD)' : ''}, ${info.threads ?? 'auto'} thread(s)`;
}
