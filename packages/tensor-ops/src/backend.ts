import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from './errors.js';
import { loadGradients } from './gradients.js';
import { installWasmKernels } from './kernels/install-wasm-kernels.js';
import { prepareWasmThreads } from './kernels/wasm-threads.js';
import { useResidualConvKernel } from './residual-conv.js';
import { assertNumber, assertOneOf } from './validate.js';
import { assertWasmPaths, bundledWasmPaths, type WasmPaths } from './wasm-paths.js';

/**
 * Which backend to use:
 * - `'auto'`: `@tensorflow/tfjs-node-gpu` if installed, else `@tensorflow/tfjs-node` if installed,
 *   else `native` if `@runge/native` is installed and its kernels are built, else the embedded
 *   `wasm` backend (else `cpu` if WebAssembly is unavailable);
 * - `'wasm'`: TF.js's WebAssembly backend (XNNPACK, SIMD) with Runge's training kernels;
 * - `'native'`: Runge's compiled CPU kernels (AVX2/FMA, a thread pool) from the optional
 *   `@runge/native`, which builds them from source when installed (Node only);
 * - `'cpu'`: TF.js's pure JavaScript backend (slow; a reference);
 * - `'tensorflow'`: libtensorflow through `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node`,
 *   which the user installs (never a dependency of Runge).
 */
export type BackendRequest = 'auto' | 'wasm' | 'native' | 'cpu' | 'tensorflow';

/** The backend actually selected by {@link initBackend}. */
export type BackendKind = 'wasm' | 'native' | 'cpu' | 'tensorflow';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** The backend to select; default `'auto'`. */
  readonly backend?: BackendRequest;
  /**
   * Threads of the native backend's pool (default: all cores), or XNNPACK threads of the wasm
   * backend (at most 8); ignored by the other backends. In Node,
   * Runge starts TF.js's threaded build on worker_threads; in browsers TF.js uses it when the
   * page is cross-origin isolated. Fixed by the process's first wasm initialisation. Default: 1
   * in Node, the backend's own choice in browsers.
   */
  readonly threads?: number;
  /**
   * Where the wasm backend fetches its `.wasm` binaries (wasm and `auto` only): a URL prefix
   * ending in `/` for a directory holding `tfjs-backend-wasm.wasm`,
   * `tfjs-backend-wasm-simd.wasm` and `tfjs-backend-wasm-threaded-simd.wasm`, or a map of each
   * name to its URL (TF.js's `setWasmPaths`). Fixed by the first wasm initialisation.
   *
   * Default: in Node, the files of the installed `@tensorflow/tfjs-backend-wasm`. In a browser
   * app bundled by a tool that emits `new URL('…', import.meta.url)` assets (Vite, webpack 5),
   * the binaries the bundler emitted; otherwise TF.js's default, the page's directory. Give it
   * when the binaries are served elsewhere (a CDN, a static folder), and give it here rather than
   * calling `setWasmPaths` yourself, which this default would override.
   */
  readonly wasmPaths?: WasmPaths;
}

/** What {@link initBackend} selected. */
export interface BackendInfo {
  /** The TF.js backend now active. */
  readonly backend: BackendKind;
  /** What was asked for. */
  readonly requested: BackendRequest;
  /** The npm package providing the backend. */
  readonly package: string;
  /** Threads the backend computes with (1 for single-threaded builds, `null` where libtensorflow decides). */
  readonly threads: number | null;
  /** Whether the wasm build uses SIMD, or the native kernels AVX2/FMA (`null` for other backends). */
  readonly simd: boolean | null;
  /** Why `auto` skipped a candidate, e.g. that `@tensorflow/tfjs-node` is not installed. */
  readonly notes: readonly string[];
}

/**
 * The names {@link initBackend} accepts for `backend`, in the order the documentation lists them.
 *
 * @example
 * ```ts
 * BACKEND_REQUESTS.includes('wasm'); // true
 * ```
 */
export const BACKEND_REQUESTS = Object.freeze([
  'auto',
  'wasm',
  'native',
  'cpu',
  'tensorflow',
] as const);
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

let current: BackendInfo | null = null;

type Loaded = { ok: true } | { ok: false; missing: boolean; error?: unknown };

type NodeBuiltins = {
  createRequire: typeof import('node:module').createRequire;
  pathToFileURL: typeof import('node:url').pathToFileURL;
  join: typeof import('node:path').join;
};

function nodeBuiltins(): NodeBuiltins | null {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  if (!get) return null;
  return {
    createRequire: (get('module') as typeof import('node:module')).createRequire,
    pathToFileURL: (get('url') as typeof import('node:url')).pathToFileURL,
    join: (get('path') as typeof import('node:path')).join,
  };
}

/**
 * Loads an optional package by name. It is looked up as seen from this package (where a package
 * manager links satisfied optional peers), then from the application's working directory; only
 * a package that resolves is imported, so "not installed" and "installed but broken" differ.
 */
async function importOptional(specifier: string): Promise<Loaded> {
  const node = nodeBuiltins();
  if (!node) {
    try {
      await import(/* @vite-ignore */ specifier);
      return { ok: true };
    } catch (error) {
      return { ok: false, missing: true, error };
    }
  }
  let resolved: string | null = null;
  for (const base of [import.meta.url, node.join(process.cwd(), 'package.json')]) {
    try {
      resolved = node.createRequire(base).resolve(specifier);
      break;
    } catch {
      // not visible from here; try the next base
    }
  }
  if (resolved === null) return { ok: false, missing: true };
  try {
    await import(/* @vite-ignore */ node.pathToFileURL(resolved).href);
    return { ok: true };
  } catch (error) {
    return { ok: false, missing: false, error };
  }
}

async function activate(name: BackendKind): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new BackendError(`TF.js could not initialise the '${name}' backend`);
  await tf.ready();
}

async function tryTensorflow(notes: string[]): Promise<BackendInfo | null> {
  for (const pkg of NATIVE_PACKAGES) {
    const loaded = await importOptional(pkg);
    if (loaded.ok) {
      if (tf.findBackendFactory('tensorflow') === null) {
        notes.push(`${pkg} was imported but registered no 'tensorflow' backend`);
        continue;
      }
      await activate('tensorflow');
      return {
        backend: 'tensorflow',
        requested: 'tensorflow',
        package: pkg,
        threads: null,
        simd: null,
        notes,
      };
    }
    if (loaded.missing) {
      notes.push(`${pkg} is not installed`);
    } else {
      const reason =
        loaded.error instanceof Error ? loaded.error.message.split('\n')[0] : String(loaded.error);
      notes.push(`${pkg} is installed but failed to load: ${reason}`);
    }
  }
  return null;
}

/** Points the wasm backend at its binaries before its first initialisation. */
function setWasmBinaries(
  wasm: typeof import('@tensorflow/tfjs-backend-wasm'),
  wasmPaths: WasmPaths | undefined,
  notes: string[],
): void {
  const initialised = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry
    .wasm;
  if (initialised !== undefined) {
    if (wasmPaths !== undefined) {
      notes.push(
        'the wasm backend was already initialised, so wasmPaths has no effect; pass it to the first initBackend call',
      );
    }
    return;
  }
  const paths = wasmPaths ?? (nodeBuiltins() === null ? bundledWasmPaths() : null);
  if (paths === null) return;
  try {
    // TF.js's type lists optional entries; assertWasmPaths guarantees all three.
    wasm.setWasmPaths(paths as string | Record<string, string>);
  } catch (cause) {
    throw new BackendError(
      `could not set the wasm binaries' paths: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

async function useWasm(
  threads: number | undefined,
  wasmPaths: WasmPaths | undefined,
  notes: string[],
): Promise<BackendInfo> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  setWasmBinaries(wasm, wasmPaths, notes);
  const threadsStarted = prepareWasmThreads(threads, notes);
  if (threads !== undefined) wasm.setThreadsCount(threads);
  try {
    await activate('wasm');
  } catch (cause) {
    if (wasmPaths === undefined && nodeBuiltins() !== null) throw cause;
    throw new BackendError(
      `TF.js could not initialise the 'wasm' backend: its .wasm binaries could not be loaded from ${wasmPaths === undefined ? "the bundler's assets or the page's directory" : JSON.stringify(wasmPaths)}. Serve the three files of @tensorflow/tfjs-backend-wasm/dist (with MIME type application/wasm) and pass their location as initBackend({ wasmPaths }); under Vite's dev server, optimizeDeps: { exclude: ['@runge/tensor-ops'] } also does`,
      { cause },
    );
  } finally {
    threadsStarted();
  }
  await installWasmKernels();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return {
    backend: 'wasm',
    requested: 'wasm',
    package: '@tensorflow/tfjs-backend-wasm',
    threads: multithread ? wasm.getThreadsCount() : 1,
    simd: Boolean(simd),
    notes,
  };
}

/** The part of `@runge/native` this package uses (it is an optional dependency). */
interface NativeModule {
  registerNativeBackend(options: { threads?: number }): {
    simd: 'avx2' | 'scalar';
    threads: number;
  };
  /** The kernel `residualConv` runs there (absent from older builds). */
  readonly RESIDUAL_CONV_KERNEL?: string;
}

const NATIVE_PACKAGE = '@runge/native';
const NATIVE_HOW =
  "install @runge/native next to Runge (pnpm add @runge/native; it compiles at install and needs g++ or clang, make and python3; pnpm runs its build only when the package is listed in onlyBuiltDependencies) or rebuild it with `pnpm --filter @runge/native build:native`, or choose backend 'wasm' (embedded, the default) or 'cpu'";

/** Loads `@runge/native` and registers its backend, or returns why it cannot (a note). */
async function tryNative(
  threads: number | undefined,
  notes: string[],
): Promise<BackendInfo | null> {
  const node = nodeBuiltins();
  if (!node) {
    notes.push(`${NATIVE_PACKAGE} runs in Node only`);
    return null;
  }
  let module: NativeModule;
  let resolved: string | null = null;
  for (const base of [import.meta.url, node.join(process.cwd(), 'package.json')]) {
    try {
      resolved = node.createRequire(base).resolve(NATIVE_PACKAGE);
      break;
    } catch {
      // not visible from here; try the next base
    }
  }
  if (resolved === null) {
    notes.push(`${NATIVE_PACKAGE} is not installed`);
    return null;
  }
  try {
    module = (await import(/* @vite-ignore */ node.pathToFileURL(resolved).href)) as NativeModule;
  } catch (error) {
    notes.push(
      `${NATIVE_PACKAGE} is installed but failed to load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
    return null;
  }
  let info: { simd: 'avx2' | 'scalar'; threads: number };
  try {
    info = module.registerNativeBackend(threads === undefined ? {} : { threads });
  } catch (error) {
    notes.push(error instanceof Error ? error.message : String(error));
    return null;
  }
  useResidualConvKernel(module.RESIDUAL_CONV_KERNEL);
  await activate('native');
  return {
    backend: 'native',
    requested: 'native',
    package: NATIVE_PACKAGE,
    threads: info.threads,
    simd: info.simd === 'avx2',
    notes,
  };
}

async function useCpu(notes: string[]): Promise<BackendInfo> {
  await import('@tensorflow/tfjs-backend-cpu');
  await activate('cpu');
  // The cpu backend prints an advertisement for tfjs-node on its first upload in Node.
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
  return {
    backend: 'cpu',
    requested: 'cpu',
    package: '@tensorflow/tfjs-backend-cpu',
    threads: 1,
    simd: null,
    notes,
  };
}

/**
 * Selects the TF.js backend Runge computes on, registers gradients (under plain Node ESM and in
 * browsers alike) and installs Runge's kernels for it. Applications call this once at start-up;
 * libraries never select a backend.
 *
 * `auto` prefers `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node` (both optional and
 * installed by the user), then `native` (Runge's compiled kernels, when `@runge/native` is
 * installed and built), then the embedded `wasm` backend, then `cpu`.
 *
 * In a browser, `'wasm'` fetches the backend's `.wasm` binaries; apps bundled with Vite or
 * webpack 5 find them with no configuration, others say where they are with `wasmPaths`.
 *
 * @param options - `backend` (default `'auto'`), `threads` and `wasmPaths` (wasm only).
 * @returns What was selected, with notes on skipped candidates.
 * @throws {@link BackendError} when `'tensorflow'` is requested and neither tfjs-node package can
 * be loaded, or `'native'` is requested and `@runge/native` is not installed or its kernels are
 * not built (the messages say how to install or build them), or a backend fails to start.
 * @throws {@link ValueError} for an unknown backend name, a bad thread count or malformed
 * `wasmPaths`.
 * @example
 * ```ts
 * import { initBackend } from '@runge/tensor-ops';
 * const info = await initBackend(); // { backend: 'wasm', simd: true, ... } on a fresh install
 * console.log(`computing on ${info.backend}`);
 * // a page whose server holds the three .wasm files under /wasm/ (not needed with Vite or webpack 5)
 * await initBackend({ backend: 'wasm', wasmPaths: '/wasm/' });
 * ```
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested = assertOneOf(options.backend ?? 'auto', BACKEND_REQUESTS, 'backend');
  const threads =
    options.threads === undefined
      ? undefined
      : assertNumber(options.threads, 'threads', { min: 1, integer: true });
  const wasmPaths =
    options.wasmPaths === undefined ? undefined : assertWasmPaths(options.wasmPaths, 'wasmPaths');
  await loadGradients();
  const notes: string[] = [];
  let info: BackendInfo;
  switch (requested) {
    case 'tensorflow': {
      const native = await tryTensorflow(notes);
      if (!native) {
        throw new BackendError(
          `backend 'tensorflow' needs @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA), and ${notes.join('; ')}. ` +
            "Install one next to Runge (npm install @tensorflow/tfjs-node, or pnpm add @tensorflow/tfjs-node), or choose backend 'wasm' (embedded, the default) or 'cpu'.",
        );
      }
      info = native;
      break;
    }
    case 'native': {
      const native = await tryNative(threads, notes);
      if (!native) {
        throw new BackendError(
          `backend 'native' needs Runge's compiled kernels, and ${notes.join('; ')}. To get them, ${NATIVE_HOW}.`,
        );
      }
      info = native;
      break;
    }
    case 'auto': {
      const native = await tryTensorflow(notes);
      if (native) {
        info = { ...native, requested };
        break;
      }
      const compiled = await tryNative(threads, notes);
      if (compiled) {
        info = { ...compiled, requested };
        break;
      }
      try {
        info = { ...(await useWasm(threads, wasmPaths, notes)), requested };
      } catch (error) {
        notes.push(
          `wasm failed to start: ${error instanceof Error ? error.message : String(error)}`,
        );
        info = { ...(await useCpu(notes)), requested };
      }
      break;
    }
    case 'wasm':
      info = await useWasm(threads, wasmPaths, notes);
      break;
    case 'cpu':
      info = await useCpu(notes);
      break;
  }
  current = info;
  return info;
}

/**
 * What the last {@link initBackend} call selected, or `null` before the first call.
 *
 * @returns The current backend info.
 * @example
 * ```ts
 * const info = getBackendInfo() ?? (await initBackend());
 * ```
 */
export function getBackendInfo(): BackendInfo | null {
  return current !== null && tf.getBackend() === current.backend ? current : null;
}
