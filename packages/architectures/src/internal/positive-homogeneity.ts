// Which activations are positively homogeneous, σ(c z) = c σ(z) for every c > 0, so a scaling can move onto a layer's weights.
import type { ActivationName } from '../activations.js';

/** The activations with `σ(c z) = c σ(z)` for `c > 0`: the piecewise-linear ones through 0. */
const POSITIVELY_HOMOGENEOUS: ReadonlySet<ActivationName> = new Set<ActivationName>([
  'relu',
  'leakyRelu',
  'linear',
]);

/** Whether `σ(c z) = c σ(z)` for every `c > 0`. */
export function isPositivelyHomogeneous(activation: ActivationName): boolean {
  return POSITIVELY_HOMOGENEOUS.has(activation);
}
