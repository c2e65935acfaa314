// The arguments every native kernel receives, and how it falls back to the cpu kernel.
import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native-backend.js';

/** What TF.js hands a kernel of the native backend. */
export interface NativeKernelArgs {
  readonly inputs: tf.NamedTensorInfoMap;
  readonly backend: NativeBackend;
  readonly attrs?: tf.NamedAttrMap;
}

/** A native kernel: a result, or null when these inputs need the cpu kernel. */
export type NativeKernel = (args: NativeKernelArgs) => tf.TensorInfo | null;

/** The cpu backend's kernel for `kernelName` (the fallback of every native kernel). */
export function cpuKernel(kernelName: string): tf.KernelFunc {
  const config = tf.getKernel(kernelName, 'cpu');
  if (config === undefined) {
    throw new Error(
      `the cpu backend has no '${kernelName}' kernel; import @tensorflow/tfjs-backend-cpu 4.22 before registering the native backend`,
    );
  }
  return config.kernelFunc;
}

/** The input `name`, which TF.js guarantees for the kernel. */
export function input(args: NativeKernelArgs, name: string): tf.TensorInfo {
  const info = args.inputs[name];
  if (info === undefined) throw new Error(`kernel input '${name}' is missing`);
  return info;
}

/** Product of a shape's dimensions. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
