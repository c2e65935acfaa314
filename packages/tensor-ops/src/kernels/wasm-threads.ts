// Multi-threaded XNNPACK for TF.js's wasm backend under Node, through worker_threads.
//
// TF.js 4.22 ships a threaded SIMD build whose emscripten glue supports Node's worker_threads,
// but three things keep it single-threaded in Node: the WASM_HAS_MULTITHREAD_SUPPORT flag is
// hard-wired to false there; the pthread workers are started from Blob URLs (`blob:nodedata:`),
// which Node's Worker cannot load, and are told to import the main script from a Blob too; and
// the C++ side caps the pool at half of `os.cpus().length` (so at 1 on a 2-vCPU machine). This
// module works around each for the duration of the backend's initialisation: it writes the
// worker script (with a shim pointing the import at a file) and the main script to a temporary
// directory, maps the worker's Blob URL to that file, and reports 2·threads logical cores while
// the module starts. Afterwards the running pthread workers are unref'd so that they do not
// keep the process alive.
import * as tf from '@tensorflow/tfjs-core';

type Builtins = {
  fs: typeof import('node:fs');
  os: typeof import('node:os');
  path: typeof import('node:path');
  module: typeof import('node:module');
};

function nodeBuiltins(): Builtins | null {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  if (!get) return null;
  return {
    fs: get('fs') as Builtins['fs'],
    os: get('os') as Builtins['os'],
    path: get('path') as Builtins['path'],
    module: get('module') as Builtins['module'],
  };
}

interface PThreadWorker {
  unref(): void;
}

interface ThreadedModule {
  PThread?: { runningWorkers?: PThreadWorker[] };
  tfjs?: { getThreadsCount?: () => number };
}

/** The initialised wasm backend instance, if any (without initialising it). */
function initialisedWasm(): { wasm?: ThreadedModule } | undefined {
  return (tf.engine() as unknown as { registry: Record<string, { wasm?: ThreadedModule }> })
    .registry.wasm;
}

function writeThreadScripts(node: Builtins, dir: string): string {
  const require = node.module.createRequire(import.meta.url);
  const packageDir = node.path.dirname(
    require.resolve('@tensorflow/tfjs-backend-wasm/package.json'),
  );
  const outDir = node.path.join(packageDir, 'wasm-out');
  const { wasmWorkerContents } = require(
    node.path.join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js'),
  ) as { wasmWorkerContents: string };
  const mainScript = node.path.join(dir, 'main.cjs');
  node.fs.writeFileSync(
    mainScript,
    `var WasmBackendModuleThreadedSimd = require(${JSON.stringify(node.path.join(outDir, 'tfjs-backend-wasm-threaded-simd.js'))});\n`,
  );
  const workerScript = node.path.join(dir, 'worker.cjs');
  // The worker imports the main script from `urlOrBlob`; point it at the file instead of a Blob.
  const shim = `const __runge_wt = require('worker_threads');
const __runge_on = __runge_wt.parentPort.on.bind(__runge_wt.parentPort);
__runge_wt.parentPort.on = (event, handler) => __runge_on(event, event === 'message'
  ? (data) => { if (data && data.cmd === 'load') data.urlOrBlob = ${JSON.stringify(mainScript)}; handler(data); }
  : handler);
`;
  // The contents are a template literal whose escaped newlines became real ones; restore them,
  // as TF.js does before making its Blob.
  node.fs.writeFileSync(workerScript, shim + wasmWorkerContents.replace(/\n/g, '\\n'));
  return workerScript;
}

/**
 * Prepares the initialisation of TF.js's wasm backend with `threads` XNNPACK threads under Node.
 * Call it before the backend is first initialised and call the returned function once
 * initialisation has finished (successfully or not): it undoes the start-up patches and lets
 * the process exit while the thread pool is idle.
 *
 * Does nothing when `threads` is undefined or 1, outside Node (browsers use TF.js's own
 * threading when the page is cross-origin isolated), or when the backend is already initialised
 * (its thread pool is fixed then; a note says so).
 *
 * @param threads - Requested XNNPACK threads (the threaded build caps the pool at 8).
 * @param notes - Receives explanations of requests that could not be honoured.
 * @returns The function to call after initialisation.
 */
export function prepareWasmThreads(threads: number | undefined, notes: string[]): () => void {
  const idle = (): void => {};
  if (threads === undefined) return idle;
  const running = initialisedWasm();
  if (running !== undefined) {
    const current = running.wasm?.tfjs?.getThreadsCount?.() ?? 1;
    if (current !== threads) {
      notes.push(
        `the wasm backend was already initialised with ${current} thread(s), so threads: ${threads} has no effect; pass threads to the first initBackend call of the process`,
      );
    }
    return idle;
  }
  if (threads <= 1) return idle;
  const node = nodeBuiltins();
  if (node === null) return idle;
  if (threads > 8) notes.push(`the threaded wasm build uses at most 8 threads, not ${threads}`);
  const available = node.os.cpus().length;
  if (threads > available) {
    notes.push(`threads: ${threads} exceeds the ${available} logical CPUs of this machine`);
  }

  const dir = node.fs.mkdtempSync(node.path.join(node.os.tmpdir(), 'runge-wasm-threads-'));
  const workerScript = writeThreadScripts(node, dir);
  const createObjectURL = URL.createObjectURL;
  const cpus = node.os.cpus;
  URL.createObjectURL = (obj: Blob) =>
    obj.type === 'application/javascript' ? workerScript : createObjectURL.call(URL, obj);
  node.os.cpus = () => {
    const real = cpus.call(node.os);
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length] as (typeof real)[0]);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);

  return () => {
    URL.createObjectURL = createObjectURL;
    node.os.cpus = cpus;
    node.fs.rmSync(dir, { recursive: true, force: true });
    const workers = initialisedWasm()?.wasm?.PThread?.runningWorkers ?? [];
    for (const worker of workers) worker.unref();
    if (initialisedWasm() === undefined) {
      // The threaded build failed to start; let a retry use the single-threaded one.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      notes.push('the threaded wasm build failed to start under worker_threads');
    }
  };
}
