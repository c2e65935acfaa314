// Registers the 'native' TF.js backend: every cpu kernel, with the hot ones run by the addon.
import '@tensorflow/tfjs-backend-cpu';
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { loadNativeAddon, type NativeAddon } from './addon.js';
import { avgPoolGradKernel, avgPoolKernel } from './kernels/avg-pool.js';
import { batchMatMulKernel } from './kernels/batch-mat-mul.js';
import { binaryKernel } from './kernels/binary.js';
import { conv2dKernel, fusedConv2dKernel } from './kernels/conv2d.js';
import {
  conv2dBackpropFilterKernel,
  conv2dBackpropInputKernel,
} from './kernels/conv2d-backprop.js';
import { cpuKernel, type NativeKernel, type NativeKernelArgs } from './kernels/kernel-args.js';
import { RELU_GRAD_KERNEL, reluGradKernel } from './kernels/relu-grad.js';
import {
  RESIDUAL_CONV_GRAD_KERNEL,
  RESIDUAL_CONV_KERNEL,
  RESIDUAL_CONV_MASK_KERNEL,
  residualConvGradKernel,
  residualConvKernel,
  residualConvMaskKernel,
} from './kernels/residual-conv.js';
import { sumKernel } from './kernels/sum.js';
import { negKernel, reluKernel, stepKernel } from './kernels/unary.js';
import { NativeBackend } from './native-backend.js';
import { installReluGradient } from './relu-gradient.js';
import { installResidualConvGradient } from './residual-conv-gradient.js';

/** The name the backend is registered under (`tf.setBackend('native')`). */
export const NATIVE_BACKEND_NAME = 'native';

const KERNELS: Readonly<Record<string, NativeKernel>> = {
  [tf.Conv2D]: conv2dKernel,
  [tf.FusedConv2D]: fusedConv2dKernel,
  [tf.Conv2DBackpropInput]: conv2dBackpropInputKernel,
  [tf.Conv2DBackpropFilter]: conv2dBackpropFilterKernel,
  [tf.BatchMatMul]: batchMatMulKernel,
  [tf.Add]: binaryKernel('Add'),
  [tf.Sub]: binaryKernel('Sub'),
  [tf.Multiply]: binaryKernel('Multiply'),
  [tf.RealDiv]: binaryKernel('RealDiv'),
  [tf.Relu]: reluKernel,
  [tf.Step]: stepKernel,
  [tf.Neg]: negKernel,
  [tf.Sum]: sumKernel,
  [tf.AvgPool]: avgPoolKernel,
  [tf.AvgPoolGrad]: avgPoolGradKernel,
};

/**
 * The TF.js kernels the native backend computes in compiled code (for float32 inputs; other
 * dtypes and configurations run the cpu backend's kernel).
 *
 * @example
 * ```ts
 * NATIVE_KERNELS.includes('Conv2DBackpropFilter'); // true
 * ```
 */
export const NATIVE_KERNELS: readonly string[] = Object.freeze(Object.keys(KERNELS));

/**
 * Options of {@link registerNativeBackend}.
 *
 * @example
 * ```ts
 * const options: NativeBackendOptions = { threads: 2, simd: true, avx512: true };
 * ```
 */
export interface NativeBackendOptions {
  /** Threads of the kernels' pool (the calling thread counts as one); default: all cores. */
  readonly threads?: number;
  /** Use the AVX2/FMA microkernel when the CPU has it (default `true`); `false` forces the scalar one. */
  readonly simd?: boolean;
  /**
   * Let the convolutions use 512-bit tiles when the CPU has AVX-512F and `simd` is on (default
   * `true`); `false` keeps them on the AVX2 tiles.
   */
  readonly avx512?: boolean;
  /** An already loaded addon (default: {@link loadNativeAddon}). */
  readonly addon?: NativeAddon;
}

/**
 * What {@link registerNativeBackend} set up.
 *
 * @example
 * ```ts
 * const { simd, threads } = registerNativeBackend({ threads: 2 }); // 'avx2', 2
 * ```
 */
export interface NativeBackendInfo {
  /** The microkernel in use. */
  readonly simd: 'avx2' | 'scalar';
  /** The pool's threads. */
  readonly threads: number;
  /** Whether the CPU has AVX2 and FMA. */
  readonly cpuHasAvx2Fma: boolean;
  /** Whether the convolutions use their AVX-512 tiles. */
  readonly avx512: boolean;
  /** Whether the CPU has AVX-512F. */
  readonly cpuHasAvx512: boolean;
  /**
   * The instruction set of the element-wise, reduction and pooling loops: `'avx512'` with the
   * convolutions' 512-bit tiles, `'avx2'` with the AVX2 microkernel, else `'baseline'`.
   */
  readonly elementwise: 'avx512' | 'avx2' | 'baseline';
}

let registeredAddon: NativeAddon | null = null;

/**
 * Kernels of the cpu backend that share their input's storage by reference count (never by
 * holding its array), so their inputs may still be recycled.
 */
const SHARING_KERNELS = new Set<string>([tf.Reshape, tf.Identity, tf.Cast]);

type CpuKernelArgs = Parameters<tf.KernelFunc>[0];

/** The one-pass relu gradient, or its two-pass form for inputs the addon does not take. */
function reluGradOnNative(args: NativeKernelArgs): tf.TensorInfo {
  const native = reluGradKernel(args);
  if (native !== null) return native;
  // Not float32 arrays of one length: TF.js's own step and multiply on this backend.
  const { backend } = args;
  const run = (name: string, inputs: tf.NamedTensorInfoMap, attrs?: tf.NamedAttrMap) =>
    (tf.getKernel(name, NATIVE_BACKEND_NAME) as tf.KernelConfig).kernelFunc({
      inputs,
      backend,
      ...(attrs === undefined ? {} : { attrs }),
    }) as tf.TensorInfo;
  const mask = run(tf.Step, { x: args.inputs.x as tf.TensorInfo }, { alpha: 0 });
  const out = run(tf.Multiply, { a: args.inputs.dy as tf.TensorInfo, b: mask });
  backend.disposeIntermediateTensorInfo(mask);
  return out;
}

/** The cpu kernel on native: its inputs' arrays are marked as seen (a cpu kernel may keep views). */
function cpuOnNative(kernelName: string, cpu: tf.KernelFunc): tf.KernelFunc {
  if (SHARING_KERNELS.has(kernelName)) return cpu;
  return (args: CpuKernelArgs) => {
    (args.backend as unknown as NativeBackend).escape(Object.values(args.inputs));
    return cpu(args);
  };
}

/** The native kernel, falling back to the cpu kernel for inputs it does not handle. */
function nativeOrCpu(kernelName: string, kernel: NativeKernel): tf.KernelFunc {
  const fallback = cpuOnNative(kernelName, cpuKernel(kernelName));
  return ((args: NativeKernelArgs) =>
    kernel(args) ?? fallback(args as unknown as CpuKernelArgs)) as tf.KernelFunc;
}

/**
 * Registers the TF.js backend `'native'` (without selecting it): the cpu backend's storage and
 * kernels, with {@link NATIVE_KERNELS} run by the compiled addon on `threads` threads, relu's
 * gradient as one kernel (`RungeReluGrad`, see {@link installReluGradient}, which this calls),
 * and the residual convolution `RungeResidualConv2D` with its one-kernel gradient (see
 * {@link RESIDUAL_CONV_KERNEL}).
 * Idempotent; a later call only changes the threads and microkernel (and restores the fused relu
 * gradient if a later registration of TF.js's gradients replaced it).
 *
 * @param options - Threads, microkernel, addon.
 * @returns The microkernel and threads in use.
 * @throws Error when the addon is not built or fails to load (the message says how to build it),
 * or `threads` is not a positive integer.
 * @example
 * ```ts
 * import { registerNativeBackend } from '@runge/native';
 * registerNativeBackend({ threads: 2 });
 * await tf.setBackend('native');
 * ```
 */
export function registerNativeBackend(options: NativeBackendOptions = {}): NativeBackendInfo {
  const threads = options.threads ?? cpus().length;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new Error(`threads must be an integer from 1 to 256, got ${threads}`);
  }
  let addon = options.addon ?? registeredAddon;
  if (addon === null) {
    const status = loadNativeAddon();
    if (!status.ok) throw new Error(status.reason);
    addon = status.addon;
  }
  if (registeredAddon === null) {
    const chosen = addon;
    tf.registerBackend(NATIVE_BACKEND_NAME, () => new NativeBackend(chosen), 0);
    for (const config of tf.getKernelsForBackend('cpu')) {
      if (tf.getKernel(config.kernelName, NATIVE_BACKEND_NAME) !== undefined) continue;
      const kernel = KERNELS[config.kernelName];
      tf.registerKernel({
        ...config,
        backendName: NATIVE_BACKEND_NAME,
        kernelFunc:
          kernel === undefined
            ? cpuOnNative(config.kernelName, config.kernelFunc)
            : nativeOrCpu(config.kernelName, kernel),
      });
    }
    if (typeof addon.reluGrad === 'function') {
      tf.registerKernel({
        kernelName: RELU_GRAD_KERNEL,
        backendName: NATIVE_BACKEND_NAME,
        kernelFunc: reluGradOnNative as unknown as tf.KernelFunc,
      });
    }
    if (
      typeof addon.residualConv2d === 'function' &&
      typeof addon.residualConv2dGrad === 'function'
    ) {
      tf.registerKernel({
        kernelName: RESIDUAL_CONV_KERNEL,
        backendName: NATIVE_BACKEND_NAME,
        kernelFunc: residualConvKernel as unknown as tf.KernelFunc,
      });
      tf.registerKernel({
        kernelName: RESIDUAL_CONV_GRAD_KERNEL,
        backendName: NATIVE_BACKEND_NAME,
        kernelFunc: residualConvGradKernel as unknown as tf.KernelFunc,
      });
      tf.registerKernel({
        kernelName: RESIDUAL_CONV_MASK_KERNEL,
        backendName: NATIVE_BACKEND_NAME,
        kernelFunc: residualConvMaskKernel as unknown as tf.KernelFunc,
      });
    }
    registeredAddon = addon;
  }
  installReluGradient();
  installResidualConvGradient();
  addon.setThreads(threads);
  addon.setSimd(options.simd ?? true);
  addon.setAvx512(options.avx512 ?? true);
  return addon.info();
}
