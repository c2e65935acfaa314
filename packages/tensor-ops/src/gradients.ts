import * as tf from '@tensorflow/tfjs-core';
import { GradientsError } from './errors.js';

type GetBuiltinModule = (id: 'module') => typeof import('node:module');

/**
 * True when TF.js gradients are registered (checked on `Multiply`, which every gradient
 * computation in Runge needs).
 *
 * @returns Whether `tf.grad` can differentiate through core ops.
 * @example
 * ```ts
 * if (!hasGradients()) registerGradients();
 * ```
 */
export function hasGradients(): boolean {
  return tf.getGradient('Multiply') !== undefined;
}

/**
 * Registers the gradients of every TF.js core op. Importing `@tensorflow/tfjs-core` registers
 * none, and its ESM gradient module cannot be loaded by plain Node; in Node this loads the
 * CommonJS build of `@tensorflow/tfjs-layers`, which registers them all in TF.js's global
 * registry. In a browser bundle import `@runge/tensor-ops/register` instead (it resolves to
 * core's own gradient module there). Idempotent.
 *
 * @throws {@link GradientsError} when gradients are still missing afterwards.
 * @example
 * ```ts
 * registerGradients();
 * const g = tf.grad((x) => tf.mul(x, x))(tf.scalar(3)); // 6
 * ```
 */
export function registerGradients(): void {
  if (hasGradients()) return;
  const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: GetBuiltinModule } })
    .process?.getBuiltinModule;
  if (getBuiltinModule) {
    try {
      getBuiltinModule('module').createRequire(import.meta.url)('@tensorflow/tfjs-layers');
    } catch (cause) {
      throw new GradientsError(
        'could not load @tensorflow/tfjs-layers to register TF.js gradients; reinstall @runge/tensor-ops (it depends on @tensorflow/tfjs-layers)',
        { cause },
      );
    }
  }
  assertGradients();
}

/**
 * Throws unless TF.js gradients are registered.
 *
 * @throws {@link GradientsError} saying how to register them.
 * @example
 * ```ts
 * assertGradients(); // at the start of a training loop
 * ```
 */
export function assertGradients(): void {
  if (!hasGradients()) {
    throw new GradientsError(
      "TF.js gradients are not registered: call initBackend() from @runge/tensor-ops, or import '@runge/tensor-ops/register' once before differentiating",
    );
  }
}
