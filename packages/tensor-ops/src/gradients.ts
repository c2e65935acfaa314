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
 * registry. In a browser (no Node `require`) it registers nothing: call {@link initBackend}
 * there, which loads core's own gradient module, or import `@runge/tensor-ops/register`, which
 * resolves to that module for bundlers. Idempotent.
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
 * Registers TF.js gradients wherever this code runs: under Node as {@link registerGradients}
 * does; in a browser or a bundle, where Node's `require` is missing, by importing core's own ESM
 * gradient module (a separate chunk for bundlers). {@link initBackend} calls it.
 *
 * @throws {@link GradientsError} when gradients are still missing afterwards.
 */
export async function loadGradients(): Promise<void> {
  if (hasGradients()) return;
  if ((globalThis as { process?: { getBuiltinModule?: unknown } }).process?.getBuiltinModule) {
    registerGradients();
    return;
  }
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
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
