// Runs a cpu-backend kernel on wasm data: the completeness net under the fast kernels.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors.js';
import { asWasmBackend, type KernelArgs, markKernel, type WasmBackend } from './wasm-backend.js';

/**
 * The cpu backend, initialised on first use without making it the active backend
 * (`@tensorflow/tfjs-backend-cpu` is imported by {@link installWasmKernels}).
 */
function cpuBackend(): tf.KernelBackend {
  const cpu = tf.findBackend('cpu');
  if (cpu === null) {
    throw new BackendError(
      "the cpu backend that runs kernels TF.js's wasm backend lacks could not be initialised; reinstall @tensorflow/tfjs-backend-cpu",
    );
  }
  // The cpu backend advertises tfjs-node on its first write in Node; that is noise here.
  (cpu as unknown as { firstUse?: boolean }).firstUse = false;
  return cpu;
}

/**
 * The interleaved `[re, im, re, im, …]` values of a complex64 buffer on the wasm heap (the wasm
 * backend stores complex tensors that way but cannot read them back itself).
 */
export function readComplex(backend: WasmBackend, dataId: tf.DataId): Float32Array {
  const data = backend.dataIdMap.get(dataId);
  if (data === undefined) throw new BackendError('complex64 tensor data is not on the wasm heap');
  const size = data.shape.reduce((acc, d) => acc * d, 1);
  const bytes = backend.wasm.HEAPU8.slice(data.memoryOffset, data.memoryOffset + size * 8);
  return new Float32Array(bytes.buffer);
}

/** Values typed as TF.js stores `dtype` (a cpu kernel may hand back a wider array). */
function typedFor(values: tf.BackendValues, dtype: tf.DataType): tf.BackendValues {
  switch (dtype) {
    case 'float32':
    case 'complex64':
      return values instanceof Float32Array
        ? values
        : Float32Array.from(values as Iterable<number>);
    case 'int32':
      return values instanceof Int32Array ? values : Int32Array.from(values as Iterable<number>);
    case 'bool':
      return values instanceof Uint8Array ? values : Uint8Array.from(values as Iterable<number>);
    default:
      return values;
  }
}

function toCpu(
  backend: WasmBackend,
  cpu: tf.KernelBackend,
  info: tf.TensorInfo,
  created: tf.DataId[],
): tf.TensorInfo {
  if (info.dtype !== 'complex64') {
    const dataId = cpu.write(backend.readSync(info.dataId), info.shape, info.dtype);
    created.push(dataId);
    return { dataId, shape: info.shape, dtype: info.dtype };
  }
  const interleaved = readComplex(backend, info.dataId);
  const size = interleaved.length / 2;
  const re = new Float32Array(size);
  const im = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    re[i] = interleaved[2 * i] as number;
    im[i] = interleaved[2 * i + 1] as number;
  }
  const real: tf.TensorInfo = {
    dataId: cpu.write(re, info.shape, 'float32'),
    shape: info.shape,
    dtype: 'float32',
  };
  const imag: tf.TensorInfo = {
    dataId: cpu.write(im, info.shape, 'float32'),
    shape: info.shape,
    dtype: 'float32',
  };
  const complexKernel = tf.getKernel('Complex', 'cpu');
  const complex = complexKernel.kernelFunc({ inputs: { real, imag }, backend: cpu });
  cpu.disposeData(real.dataId);
  cpu.disposeData(imag.dataId);
  const out = Array.isArray(complex) ? complex[0] : complex;
  if (out === undefined) throw new BackendError('the cpu Complex kernel returned no output');
  created.push(out.dataId);
  return out;
}

function toWasm(backend: WasmBackend, cpu: tf.KernelBackend, info: tf.TensorInfo): tf.TensorInfo {
  const values = typedFor(cpu.readSync(info.dataId), info.dtype);
  return {
    dataId: backend.write(values, info.shape, info.dtype),
    shape: info.shape,
    dtype: info.dtype,
  };
}

/**
 * A wasm kernel that runs TF.js's cpu kernel `kernelName`: it copies the inputs off the wasm
 * heap into the cpu backend, runs the cpu kernel there, copies the outputs back into new wasm
 * buffers and frees the cpu copies. Correct for every dtype the wasm backend stores (complex64
 * as interleaved float32), and slow: two copies plus the cpu backend's speed. It exists so that
 * no op or gradient TF.js can emit fails on wasm for want of a kernel.
 *
 * @param kernelName - A kernel the cpu backend registers.
 * @returns The bridged kernel function.
 * @throws {@link BackendError} when called and the cpu backend has no such kernel.
 */
export function cpuBridgeKernel(kernelName: string): tf.KernelFunc {
  const kernel = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const backend = asWasmBackend(args.backend);
    const config = tf.getKernel(kernelName, 'cpu');
    if (config === undefined) {
      throw new BackendError(`neither the wasm nor the cpu backend has a '${kernelName}' kernel`);
    }
    const cpu = cpuBackend();
    const created: tf.DataId[] = [];
    let outputs: tf.TensorInfo[] = [];
    try {
      // Some kernels (Einsum, Concat, AddN) take an array of inputs; keep the container's kind.
      const inputs = (Array.isArray(args.inputs) ? [] : {}) as tf.NamedTensorInfoMap;
      for (const [name, info] of Object.entries(args.inputs)) {
        if (info !== undefined) inputs[name] = toCpu(backend, cpu, info, created);
      }
      const result = config.kernelFunc({ inputs, backend: cpu, attrs: args.attrs ?? {} });
      outputs = Array.isArray(result) ? result : [result];
      const converted = outputs.map((out) => toWasm(backend, cpu, out));
      return Array.isArray(result) ? converted : (converted[0] as tf.TensorInfo);
    } finally {
      for (const out of outputs) cpu.disposeData(out.dataId);
      for (const dataId of created) cpu.disposeData(dataId);
    }
  };
  return markKernel(kernel, 'bridged');
}
