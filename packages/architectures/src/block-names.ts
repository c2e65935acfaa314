// The blocks a network can be built around: an ODE block of one of the dynamics, or a FractalNet block.
import { ODE_DYNAMICS } from './ode-dynamics.js';

/**
 * The blocks a preset model, a run or a style flow can be built around: an ODE block integrating
 * one of {@link ODE_DYNAMICS} (`{ type: 'ode', dynamics }`), or `'fractal'`, a FractalNet block
 * (`{ type: 'fractal' }`, built by the expansion `f_{C+1} = join(f_C ∘ f_C, conv)`).
 *
 * @example
 * ```ts
 * BLOCK_NAMES; // ['resnet', 'resnet2', 'parabolic', 'antisymmetric', 'hamiltonian', 'fractal']
 * ```
 */
export const BLOCK_NAMES = Object.freeze([...ODE_DYNAMICS, 'fractal'] as const);

/** A name of {@link BLOCK_NAMES}. */
export type BlockName = (typeof BLOCK_NAMES)[number];
