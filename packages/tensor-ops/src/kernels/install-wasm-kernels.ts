// Registers Runge's kernels for TF.js's wasm backend: fast training kernels plus a cpu bridge for
// every other kernel the wasm backend lacks.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors.js';
import { batchMatMulKernel } from './batch-mat-mul.js';
import { conv2DBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputKernel } from './conv2d-backprop-input.js';
import { cpuBridgeKernel, readComplex } from './cpu-bridge.js';
import { depthwiseConv2dBackpropFilterKernel } from './depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dBackpropInputKernel } from './depthwise-conv2d-backprop-input.js';
import { maxPoolGradKernel } from './max-pool-grad.js';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';
import { asWasmBackend, kernelKind, RUNGE_KERNEL, type WasmBackend } from './wasm-backend.js';

/** What {@link installWasmKernels} registered for the `wasm` backend. */
export interface WasmKernelsInfo {
  /**
   * Kernels Runge computes natively on the wasm heap (XNNPACK or direct loops), either where
   * TF.js's wasm backend has none or replacing a slow one of its own.
   */
  readonly native: readonly string[];
  /** Kernels the wasm backend lacks that run through TF.js's cpu kernels (correct, slow). */
  readonly bridged: readonly string[];
}

/** Replaces (or adds) the wasm kernel `kernelName`, keeping the original's set-up hooks. */
function register(kernelName: string, make: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const existing = tf.getKernel(kernelName, 'wasm');
  if (kernelKind(existing?.kernelFunc) !== null) return;
  const original = existing?.kernelFunc ?? cpuBridgeKernel(kernelName);
  const config: tf.KernelConfig = {
    kernelName,
    backendName: 'wasm',
    kernelFunc: make(original),
  };
  if (existing?.setupFunc !== undefined) config.setupFunc = existing.setupFunc;
  if (existing?.disposeFunc !== undefined) config.disposeFunc = existing.disposeFunc;
  if (existing !== undefined) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel(config);
}

/** Lets `dataSync()` read complex64 tensors, which the wasm backend stores but cannot read. */
function supportComplexReads(backend: WasmBackend): void {
  const target = backend as WasmBackend & Record<symbol, unknown>;
  if (target[RUNGE_KERNEL] === true) return;
  const readSync = backend.readSync.bind(backend);
  target.readSync = (dataId: tf.DataId, start?: number, end?: number): tf.BackendValues => {
    if (backend.dataIdMap.get(dataId)?.dtype !== 'complex64') return readSync(dataId, start, end);
    const values = readComplex(backend, dataId);
    return start === undefined && end === undefined
      ? values
      : values.slice(2 * (start ?? 0), end === undefined ? undefined : 2 * end);
  };
  Object.defineProperty(target, RUNGE_KERNEL, { value: true, enumerable: false });
}

/**
 * Registers Runge's kernels for TF.js's `wasm` backend (`@tensorflow/tfjs-backend-wasm` 4.22), so
 * that training works on it and runs at XNNPACK speed:
 *
 * - native kernels: `Conv2DBackpropInput` and `Conv2DBackpropFilter` as XNNPACK convolutions
 *   (input gradient: the flipped, channel-swapped filter over the output gradient, split into s²
 *   sub-pixel phases for stride s; filter gradient: batch and channels exchanged),
 *   `DepthwiseConv2dNativeBackpropInput`
 *   and `…Filter`, `BatchMatMul` (transposed and batched products reach XNNPACK instead of a scalar
 *   loop), `MaxPoolGrad` (TF.js's wasm kernel is wrong for more than one channel) and
 *   `UnsortedSegmentSum` (gather's gradient);
 * - every other kernel the cpu backend has and the wasm backend lacks (FFT, Complex, Einsum, …) is
 *   bridged: its inputs are copied to the cpu backend, computed there and copied back.
 *
 * Idempotent, and safe to call before or after the wasm backend is initialised; only
 * `@tensorflow/tfjs-backend-wasm` must have been imported (this function imports
 * `@tensorflow/tfjs-backend-cpu`, which the bridge runs on, without selecting it).
 * {@link initBackend} calls it for `'wasm'` and `'auto'`; call it yourself only when selecting
 * the backend with `tf.setBackend`.
 *
 * @returns Which kernels are native and which bridged.
 * @throws {@link BackendError} when the wasm backend's kernels are not registered (the package
 * was not imported).
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * import * as tf from '@tensorflow/tfjs-core';
 * const { native } = await installWasmKernels();
 * await tf.setBackend('wasm');
 * console.log(native); // ['BatchMatMul', 'Conv2DBackpropFilter', …]
 * ```
 */
export async function installWasmKernels(): Promise<WasmKernelsInfo> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (tf.getKernel('Conv2D', 'wasm') === undefined) {
    throw new BackendError(
      "TF.js's wasm kernels are not registered: import '@tensorflow/tfjs-backend-wasm' (or call initBackend({ backend: 'wasm' })) before installing Runge's wasm kernels",
    );
  }
  register(tf.Conv2DBackpropInput, (original) => conv2DBackpropInputKernel(original));
  register(tf.Conv2DBackpropFilter, (fallback) => conv2DBackpropFilterKernel(fallback));
  register(tf.DepthwiseConv2dNativeBackpropInput, (fallback) =>
    depthwiseConv2dBackpropInputKernel(fallback),
  );
  register(tf.DepthwiseConv2dNativeBackpropFilter, () => depthwiseConv2dBackpropFilterKernel());
  register(tf.BatchMatMul, (original) => batchMatMulKernel(original));
  register(tf.MaxPoolGrad, () => maxPoolGradKernel());
  register(tf.UnsortedSegmentSum, (fallback) => unsortedSegmentSumKernel(fallback));

  const onWasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  for (const { kernelName } of tf.getKernelsForBackend('cpu')) {
    if (!onWasm.has(kernelName)) {
      tf.registerKernel({
        kernelName,
        backendName: 'wasm',
        kernelFunc: cpuBridgeKernel(kernelName),
      });
    }
  }

  const initialised = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry
    .wasm;
  if (initialised !== undefined) supportComplexReads(asWasmBackend(initialised));

  const native: string[] = [];
  const bridged: string[] = [];
  for (const { kernelName, kernelFunc } of tf.getKernelsForBackend('wasm')) {
    const kind = kernelKind(kernelFunc);
    if (kind === 'native') native.push(kernelName);
    if (kind === 'bridged') bridged.push(kernelName);
  }
  return { native: native.sort(), bridged: bridged.sort() };
}
