// What Runge's wasm kernels need from TF.js's wasm backend instance, typed structurally so the
// kernels depend on the backend's behaviour rather than on its private class.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors.js';

/** The wasm backend's bookkeeping for one buffer on its heap. */
export interface WasmTensorData {
  /** The id the C++ side knows the buffer by. */
  readonly id: number;
  /** Byte offset of the buffer in the heap. */
  readonly memoryOffset: number;
  readonly shape: number[];
  readonly dtype: tf.DataType;
  refCount: number;
  stringBytes?: Uint8Array[];
}

/** The parts of TF.js's `BackendWasm` the kernels use. */
export interface WasmBackend {
  readonly dataIdMap: {
    get(dataId: tf.DataId): WasmTensorData | undefined;
    has(dataId: tf.DataId): boolean;
  };
  /** The emscripten module; `HEAPU8` is replaced when the heap grows, so read it each time. */
  readonly wasm: { readonly HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
  readSync(dataId: tf.DataId, start?: number, end?: number): tf.BackendValues;
  write(values: tf.BackendValues | null, shape: number[], dtype: tf.DataType): tf.DataId;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  incRef(dataId: tf.DataId): void;
}

/** Arguments every kernel function receives. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}

/** Checks that `backend` is TF.js's wasm backend and returns it typed. */
export function asWasmBackend(backend: unknown): WasmBackend {
  const candidate = backend as Partial<WasmBackend> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.makeOutput !== 'function' ||
    typeof candidate.typedArrayFromHeap !== 'function' ||
    candidate.dataIdMap === undefined ||
    candidate.wasm === undefined
  ) {
    throw new BackendError(
      "a Runge wasm kernel was called with a backend that is not TF.js's wasm backend; register the kernels for 'wasm' only",
    );
  }
  return candidate as WasmBackend;
}

/** The named input of a kernel, or a {@link BackendError} naming the kernel. */
export function input(args: KernelArgs, name: string, kernel: string): tf.TensorInfo {
  const info = args.inputs[name];
  if (info === undefined) {
    throw new BackendError(`kernel ${kernel} was called without its input '${name}'`);
  }
  return info;
}

/** The attributes of a kernel call, typed as the kernel's attribute interface. */
export function attrsOf<T>(args: KernelArgs): T {
  return (args.attrs ?? {}) as unknown as T;
}

/** The currently registered wasm implementation of `kernelName`. */
export function wasmKernel(kernelName: string): tf.KernelFunc {
  const config = tf.getKernel(kernelName, 'wasm');
  if (config === undefined) {
    throw new BackendError(
      `TF.js's wasm backend has no '${kernelName}' kernel; import '@tensorflow/tfjs-backend-wasm' 4.22 or call initBackend({ backend: 'wasm' })`,
    );
  }
  return config.kernelFunc;
}

/**
 * Runs a wasm kernel directly (not through the engine, so its output is no engine tensor and
 * must be disposed with {@link release} or returned from the calling kernel).
 */
export function callKernel(
  kernelName: string,
  backend: WasmBackend,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  return single(wasmKernel(kernelName)({ inputs, backend, attrs }), kernelName);
}

/** The single output of a kernel result. */
export function single(result: tf.TensorInfo | tf.TensorInfo[], kernelName: string): tf.TensorInfo {
  const out = Array.isArray(result) ? result[0] : result;
  if (out === undefined) throw new BackendError(`kernel ${kernelName} returned no output`);
  return out;
}

/** Frees intermediate buffers created inside a kernel. */
export function release(backend: WasmBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** A view of a float32 buffer on the heap; take views after the last allocation in a kernel. */
export function heapF32(backend: WasmBackend, info: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** The same buffer with a new shape (shares the data; release it like any output). */
export function reshapeInfo(
  backend: WasmBackend,
  info: tf.TensorInfo,
  shape: number[],
): tf.TensorInfo {
  return callKernel('Reshape', backend, { x: info }, { shape });
}

/** Marks Runge's kernel functions, so installation can tell them from TF.js's own. */
export const RUNGE_KERNEL = Symbol.for('@runge/tensor-ops/wasm-kernel');

/** How a Runge kernel computes: natively on wasm or through the cpu backend. */
export type KernelKind = 'native' | 'bridged';

/** Tags `fn` as a Runge kernel of the given kind. */
export function markKernel(fn: tf.KernelFunc, kind: KernelKind): tf.KernelFunc {
  Object.defineProperty(fn, RUNGE_KERNEL, { value: kind, enumerable: false });
  return fn;
}

/** The kind of a registered kernel function if Runge installed it, else `null`. */
export function kernelKind(fn: tf.KernelFunc | undefined): KernelKind | null {
  if (fn === undefined) return null;
  const kind = (fn as unknown as Record<symbol, unknown>)[RUNGE_KERNEL];
  return kind === 'native' || kind === 'bridged' ? kind : null;
}
