// The 'native' TF.js backend: TF.js's cpu backend (its tensor storage and every kernel) with the
// hot kernels replaced by the compiled ones, which read and write its Float32Arrays in place.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';

/**
 * A TF.js backend that stores tensors as the cpu backend does (JavaScript typed arrays) and runs
 * the kernels {@link registerNativeBackend} installs in compiled code on those arrays directly;
 * every other kernel is the cpu backend's own.
 *
 * @example
 * ```ts
 * registerNativeBackend({ threads: 2 });
 * await tf.setBackend('native');
 * (tf.backend() as NativeBackend).addon.info(); // { simd: 'avx2', threads: 2, … }
 * ```
 */
export class NativeBackend extends MathBackendCPU {
  /** The compiled kernels. */
  readonly addon: NativeAddon;

  /** @param addon - The loaded addon ({@link loadNativeAddon}). */
  constructor(addon: NativeAddon) {
    super();
    this.addon = addon;
    // The cpu backend advertises tfjs-node on its first write in Node; not relevant here.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** The float32 values of a tensor held by this backend, or null if it holds another kind. */
  floats(info: tf.TensorInfo): Float32Array | null {
    if (info.dtype !== 'float32') return null;
    const values = this.data.get(info.dataId)?.values;
    return values instanceof Float32Array ? values : null;
  }

  /** A new float32 tensor of `shape` over `values` (owned by the tensor from now on). */
  output(shape: readonly number[], values: Float32Array): tf.TensorInfo {
    return this.makeTensorInfo([...shape], 'float32', values);
  }
}
