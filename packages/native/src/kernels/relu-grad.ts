// RungeReluGrad on the native backend: relu's gradient dy · step(x) in one pass over memory.
import { input, type NativeKernel } from './kernel-args.js';

/**
 * The TF.js kernel name of relu's one-pass gradient (a kernel TF.js itself does not define).
 *
 * @example
 * ```ts
 * tf.getKernel(RELU_GRAD_KERNEL, 'native') !== undefined; // after registerNativeBackend()
 * ```
 */
export const RELU_GRAD_KERNEL = 'RungeReluGrad';

/**
 * `RungeReluGrad`: `out[i] = dy[i] · (x[i] > 0 ? 1 : 0)` with NaN in `x` kept, for float32 `dy`
 * and `x` of one shape; null (the caller's two-pass form) otherwise.
 */
export const reluGradKernel: NativeKernel = (args) => {
  const { backend } = args;
  const dy = input(args, 'dy');
  const x = input(args, 'x');
  const dyv = backend.floats(dy);
  const xv = backend.floats(x);
  if (dyv === null || xv === null || dyv.length !== xv.length) return null;
  const out = backend.alloc(dyv.length);
  backend.addon.reluGrad(dyv, xv, out);
  return backend.output(x.shape, out);
};
