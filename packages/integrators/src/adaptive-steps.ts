// Adaptive step-size control as a value: the tolerances and limits that belong to adaptive solves only.
import { assertNumber, ValueError } from '@runge/tensor-ops';
import { DEFAULT_CONTROLLER, type StepController } from './dormand-prince.js';

/** What an adaptive solve may be told; every field has a default. */
export interface AdaptiveOptions {
  /** Relative tolerance; default 1e-5 (float32 cannot honour much below 1e-6). */
  readonly rtol?: number;
  /** Absolute tolerance; default 1e-7. */
  readonly atol?: number;
  /** Size of the first step; default chosen automatically (Hairer's algorithm). */
  readonly firstStep?: number;
  /** The smallest step allowed before failing; default `1e-10 · |t1 − t0|`. */
  readonly dtMin?: number;
  /** The most steps attempted (accepted + rejected) before failing; default 10000. */
  readonly maxSteps?: number;
  /** PI step-size controller constants. */
  readonly controller?: StepController;
}

/** Validated adaptive settings, as {@link adaptiveSteps} returns them. */
export interface AdaptiveSteps {
  readonly rtol: number;
  readonly atol: number;
  readonly firstStep?: number;
  /** Absent: `1e-10 · |t1 − t0|`, fixed when the interval is known. */
  readonly dtMin?: number;
  readonly maxSteps: number;
  readonly controller: Required<StepController>;
}

const KEYS = ['rtol', 'atol', 'firstStep', 'dtMin', 'maxSteps', 'controller'] as const;
const CONTROLLER_KEYS = ['safety', 'minFactor', 'maxFactor', 'beta'] as const;

function readController(c: unknown): Required<StepController> {
  if (c === undefined) return DEFAULT_CONTROLLER;
  if (typeof c !== 'object' || c === null)
    throw new ValueError('controller: expected { safety?, minFactor?, maxFactor?, beta? }');
  const unknown = Object.keys(c).filter((k) => !(CONTROLLER_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new ValueError(
      `controller: unknown key(s) ${unknown.map((k) => `'${k}'`).join(', ')}; expected ${CONTROLLER_KEYS.join(', ')}`,
    );
  }
  const o = c as StepController;
  return {
    safety: assertNumber(o.safety ?? DEFAULT_CONTROLLER.safety, 'controller.safety', {
      min: 0,
      exclusiveMin: true,
      max: 1,
    }),
    minFactor: assertNumber(o.minFactor ?? DEFAULT_CONTROLLER.minFactor, 'controller.minFactor', {
      min: 0,
      exclusiveMin: true,
      max: 1,
      exclusiveMax: true,
    }),
    maxFactor: assertNumber(o.maxFactor ?? DEFAULT_CONTROLLER.maxFactor, 'controller.maxFactor', {
      min: 1,
      exclusiveMin: true,
    }),
    beta: assertNumber(o.beta ?? DEFAULT_CONTROLLER.beta, 'controller.beta', { min: 0 }),
  };
}

/**
 * Adaptive step-size control for an embedded Runge–Kutta pair (Dormand–Prince 5(4) by default):
 * a step is accepted when the scaled RMS norm of the embedded error estimate
 * `err = ‖(y − ŷ) / (atol + rtol·|y₀|)‖` is at most 1, and the next step follows the PI
 * controller (see {@link StepController}). The solve fails with a clear error when the step
 * falls below `dtMin` or `maxSteps` attempts are exceeded.
 *
 * @param options - `rtol`, `atol`, `firstStep`, `dtMin`, `maxSteps`, `controller` (all optional).
 * @returns The validated settings, for `solve`'s `adaptive` option.
 * @throws {@link @runge/tensor-ops!ValueError} for unknown keys or values out of range.
 * @example
 * ```ts
 * solve({ f, y0, method: 'dopri5', adaptive: adaptiveSteps({ rtol: 1e-6, atol: 1e-8 }) });
 * ```
 */
export function adaptiveSteps(options: AdaptiveOptions = {}): AdaptiveSteps {
  if (typeof options !== 'object' || options === null) {
    throw new ValueError(
      `adaptive: expected an object { ${KEYS.join(', ')} } (every key optional)`,
    );
  }
  const unknown = Object.keys(options).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new ValueError(
      `adaptive: unknown key(s) ${unknown.map((k) => `'${k}'`).join(', ')}; allowed: ${KEYS.join(', ')}`,
    );
  }
  const o = options;
  return {
    rtol: assertNumber(o.rtol ?? 1e-5, 'rtol', { min: 0, exclusiveMin: true }),
    atol: assertNumber(o.atol ?? 1e-7, 'atol', { min: 0 }),
    ...(o.firstStep !== undefined
      ? { firstStep: assertNumber(o.firstStep, 'firstStep', { min: 0, exclusiveMin: true }) }
      : {}),
    ...(o.dtMin !== undefined ? { dtMin: assertNumber(o.dtMin, 'dtMin', { min: 0 }) } : {}),
    maxSteps: assertNumber(o.maxSteps ?? 10_000, 'maxSteps', { integer: true, min: 1 }),
    controller: readController(o.controller),
  };
}

/**
 * Checks the controller's memory weight against the order of the pair: the PI controller is
 * stable for `β < (4/3)/(q + 1)` with `q` the lower order.
 *
 * @throws {@link @runge/tensor-ops!ValueError} when `beta` is too large for the pair.
 */
export function checkControllerOrder(settings: AdaptiveSteps, order: number): void {
  const betaMax = (4 / 3) * (1 / (order + 1));
  if (!(settings.controller.beta < betaMax)) {
    throw new ValueError(
      `controller.beta: ${settings.controller.beta} is too large for an embedded pair of order ${order}; the PI controller needs beta < ${betaMax.toPrecision(4)}`,
    );
  }
}
