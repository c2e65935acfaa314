/**
 * Side-effect entry: `import '@runge/tensor-ops/register'` registers TF.js gradients under plain
 * Node (ESM or CommonJS).
 *
 * @example
 * ```ts
 * import '@runge/tensor-ops/register';
 * ```
 * @packageDocumentation
 */
import { registerGradients } from './gradients.js';

registerGradients();
