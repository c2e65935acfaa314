// What a stability analysis reports per step and per block, its options, and the selection of steps it looks at.
import type { StabilityNumbers } from '@runge/integrators';
import { ValueError } from '@runge/tensor-ops';

/** The spectra of one step of a block: the points `hλ` of every example and their numbers. */
export interface StepStability {
  /** The step index `j`. */
  readonly step: number;
  /** Its start time `t_j = jh`. */
  readonly t: number;
  /** What the step's `hλ` (all examples) say about stability. */
  readonly numbers: StabilityNumbers;
  /** The scaled eigenvalues `hλ`, with the example they belong to. */
  readonly hLambda: readonly {
    /** Index of the example among the analysed inputs. */
    readonly sample: number;
    /** `Re(hλ)`. */
    readonly re: number;
    /** `Im(hλ)`. */
    readonly im: number;
  }[];
}

/** The stability analysis of one ODE block. */
export interface BlockStability {
  /** The block's layer name. */
  readonly block: string;
  /** `'ode'` for an ODE block, `'sequence'` for a recurrent layer read step by step. */
  readonly layerType: 'ode' | 'sequence';
  /** Its dynamics (see {@link ODE_DYNAMICS}). */
  readonly dynamics: string;
  /** Its integrator. */
  readonly method: string;
  /** Steps `N`. */
  readonly N: number;
  /** Final time `T`. */
  readonly T: number;
  /** Step `h = T/N`. */
  readonly h: number;
  /** State entries per example (`q` and `p` together for Hamiltonian blocks). */
  readonly dimension: number;
  /** `'exact'`: every eigenvalue; `'arnoldi'`: the `eigenvalues` of largest modulus (estimates). */
  readonly spectrum: 'exact' | 'arnoldi';
  /** Eigenvalues per example and step. */
  readonly eigenvalues: number;
  /** The analysed steps, in order. */
  readonly steps: readonly StepStability[];
  /** Over all analysed steps. */
  readonly summary: StabilityNumbers;
}

/** Options of {@link analyseStability}. */
export interface StabilityAnalysisOptions {
  /** Which steps (see {@link stepsAt}); default every step when `N ≤ 16`, else first, middle, last. */
  readonly stepsAt?: string;
  /** Eigenvalues of largest modulus estimated by Arnoldi for large states; default 24. */
  readonly eigenvalues?: number;
  /** States up to this many entries per example get the exact spectrum; default 128. */
  readonly exactUpTo?: number;
  /** Slack on `|R| ≤ 1`; default {@link @runge/integrators!STABILITY_TOLERANCE}. */
  readonly tolerance?: number;
}

/**
 * Parses a selection of steps (`runge stability --steps-at`): `all`, or a comma list of step indices `j` (0-based) and the words
 * `first`, `middle` (`⌊N/2⌋`), `last` (`N − 1`), for a block of `N` steps. Indices are sorted
 * and deduplicated. Without a value: every step when `N ≤ 16`, else first, middle and last.
 *
 * @param spec - The option's value, or `undefined`.
 * @param steps - The block's `N`.
 * @returns The step indices.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown word or an index outside `0 … N − 1`.
 * @example
 * ```ts
 * stepsAt('first,last', 8); // [0, 7]
 * stepsAt(undefined, 40); // [0, 20, 39]
 * ```
 */
export function stepsAt(spec: string | undefined, steps: number): number[] {
  const all = Array.from({ length: steps }, (_, j) => j);
  if (spec === undefined) return steps <= 16 ? all : stepsAt('first,middle,last', steps);
  const out = new Set<number>();
  for (const raw of spec.split(',')) {
    const token = raw.trim();
    if (token === 'all') for (const j of all) out.add(j);
    else if (token === 'first') out.add(0);
    else if (token === 'middle') out.add(Math.floor(steps / 2));
    else if (token === 'last') out.add(steps - 1);
    else {
      const j = Number(token);
      if (token === '' || !Number.isInteger(j) || j < 0 || j >= steps) {
        throw new ValueError(
          `selected step '${token}' is not a step of a block with ${steps} steps; give 'all', or a comma list of indices 0…${steps - 1} and 'first', 'middle', 'last'`,
        );
      }
      out.add(j);
    }
  }
  return [...out].sort((a, b) => a - b);
}
