import { ValueError } from '@runge/tensor-ops';
import type { ParamSource } from '../controls.js';
import { rkStep, type ScaledStageFn, type StageFn, type StageResult } from '../explicit-rk.js';
import { leapfrogInverseLeaves, leapfrogLeaves, type PartitionedStages } from '../leapfrog.js';
import type { ResolvedMethod } from '../methods.js';
import type { Leaves } from './leaves.js';
import { joinLeaves, splitLeaves } from './state.js';
import { freshOutputs, generalRhs, type System } from './system.js';

/** An evaluation carried from one step to the next, with the key of the parameters it used. */
export interface Carry {
  readonly key: string;
  readonly stage: StageResult;
}

/** Advances flat state leaves by one step of a fixed scheme. */
export interface Stepper {
  /** One step from `(t, y)` to `t + h`; new tensors in the caller's scope. */
  step(t: number, h: number, y: Leaves): { y: Leaves; nfe: number };
  /**
   * A step that may reuse the previous step's closing evaluation (`carry`) and returns its own:
   * leapfrog's closing kick is the next opening kick when the parameters there agree.
   */
  readonly stepCarry?: (
    t: number,
    h: number,
    y: Leaves,
    carry: Carry | undefined,
  ) => { y: Leaves; nfe: number; carry: Carry };
  /** The step undone: from the state at `t + h` back to `t` (exactly reversible schemes only). */
  readonly inverse?: (t: number, h: number, y1: Leaves) => { y: Leaves; nfe: number };
  /** The times at which the right-hand side is evaluated in a step from `t` to `t + h`. */
  stageTimes(t: number, h: number): number[];
}

/** The general right-hand side as an RK stage function reading the parameters from `src`. */
export function stageFnOf(system: System, src: ParamSource): StageFn {
  const rhs = generalRhs(system);
  return (t, y, a, b) => ({ k: freshOutputs(() => rhs(t, y, src.at(t, a, b).tree)) });
}

/**
 * The general right-hand side's scaled evaluation as a stage function reading the parameters from
 * `src`, when the dynamics carry one.
 */
export function scaledStageFnOf(system: System, src: ParamSource): ScaledStageFn | undefined {
  if (system.kind !== 'general' || system.scaled === undefined) return undefined;
  const scaled = system.scaled;
  return (t, y, a, b, c) => ({ k: freshOutputs(() => scaled(t, y, src.at(t, a, b).tree, c)) });
}

/**
 * The general right-hand side's residual evaluation `y + c f` as a stage function (its `k` is the
 * new state) reading the parameters from `src`, when the dynamics carry one.
 */
export function residualStageFnOf(system: System, src: ParamSource): ScaledStageFn | undefined {
  if (system.kind !== 'general' || system.residual === undefined) return undefined;
  const residual = system.residual;
  return (t, y, a, b, c) => ({ k: freshOutputs(() => residual(t, y, src.at(t, a, b).tree, c)) });
}

/** The partitioned right-hand side as leapfrog stage functions reading the parameters from `src`. */
export function partitionedStagesOf(
  system: Extract<System, { kind: 'partitioned' }>,
  src: ParamSource,
): PartitionedStages {
  return {
    kick: (t, q, a, b) => ({ k: freshOutputs(() => system.dp(t, q, src.at(t, a, b).tree)) }),
    drift: (t, p, a, b) => ({ k: freshOutputs(() => system.dq(t, p, src.at(t, a, b).tree)) }),
  };
}

/** The fixed-step scheme of a method for a system and a parameter source. */
export function makeStepper(method: ResolvedMethod, system: System, src: ParamSource): Stepper {
  if (method.kind === 'rk') {
    const fn = stageFnOf(system, src);
    const scaled = scaledStageFnOf(system, src);
    const residual = residualStageFnOf(system, src);
    const options = {
      ...(scaled === undefined ? {} : { scaled }),
      ...(residual === undefined ? {} : { residual }),
    };
    const { tableau } = method;
    return {
      step: (t, h, y) => {
        const r = rkStep(tableau, fn, t, h, y, options);
        return { y: r.y, nfe: r.nfe };
      },
      stageTimes: (t, h) => {
        const last = tableau.fsal === true ? tableau.c.length - 1 : tableau.c.length;
        return tableau.c.slice(0, last).map((c) => t + c * h);
      },
    };
  }
  if (system.kind !== 'partitioned') {
    throw new ValueError(
      "method 'leapfrog' needs PartitionedDynamics { dq, dp } and a state { q, p }",
    );
  }
  const stages = partitionedStagesOf(system, src);
  const { partition } = system;
  return {
    step: (t, h, y) => {
      const [q, p] = splitLeaves(partition, y);
      const r = leapfrogLeaves(stages, t, h, q, p);
      return { y: joinLeaves(partition, r.q, r.p), nfe: r.nfe };
    },
    stepCarry: (t, h, y, carry) => {
      const [q, p] = splitLeaves(partition, y);
      const end = t + h;
      const reuse =
        carry !== undefined && carry.key === src.keyAt(t, t, end) ? carry.stage : undefined;
      const r = leapfrogLeaves(stages, t, h, q, p, reuse);
      return {
        y: joinLeaves(partition, r.q, r.p),
        nfe: r.nfe,
        carry: { key: src.keyAt(end, t, end), stage: r.last },
      };
    },
    inverse: (t, h, y1) => {
      const [q1, p1] = splitLeaves(partition, y1);
      const r = leapfrogInverseLeaves(stages, t, h, q1, p1);
      return { y: joinLeaves(partition, r.q, r.p), nfe: r.nfe };
    },
    stageTimes: (t, h) => [t, t + h / 2, t + h],
  };
}
