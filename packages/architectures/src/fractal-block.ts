import { ConfigError, type Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS, type ActivationName } from './activations.js';
import { activatedOperator } from './internal/activated-operator.js';
import { checkKeys, readNumber, readOneOf } from './internal/config-values.js';
import {
  defaultInitializer,
  INITIALIZERS,
  type InitializerName,
  weightInit,
} from './internal/init.js';
import { COMMON_KEYS, type LayerType, requireFeatures } from './internal/layer-type.js';
import type { Layer, ParamInfo } from './layer.js';

/**
 * A FractalNet block (Larsson et al. 2017; docs: /math/odes#fractalnet) with `C` columns, built by the expansion
 * rule `f₁(z) = conv(z)`, `f_{C+1}(z) = join(f_C(f_C(z)), conv(z))`, join = element-wise mean.
 * Each `conv` is a unit `u(z) = σ(K z + b)` (3×3 'same' convolution on feature maps, a dense
 * map on vectors). As in the paper's figure, nested joins that end at the same depth are one
 * join: it averages every column ending there. Column `k` (0-based) holds `2^k` units in
 * sequence (column 0 is the single-unit shortcut, column `C − 1` the deepest, `2^{C−1}` units),
 * and the value after depth `d` (in units of the deepest column) is
 * `v_d = mean_{k : 2^{C−1−k} | d} u_{k, d/2^{C−1−k} − 1}(v_{d − 2^{C−1−k}})`, `v_0 = x`.
 *
 * For `C = 2`: `f₂(y) = ½ [σ(K_{0,0} y + b_{0,0}) + σ(K_{1,1} σ(K_{1,0} y + b_{1,0}) + b_{1,1})]`,
 * which is the docs' `(W₂ y + b₂) + (W_{1,2} σ(W_{1,1} y + b_{1,1}) + b_{1,2})` with each unit's
 * output activation applied and the join's factor ½ (choose `activation: 'linear'` to drop the
 * outer σ — and with it every σ).
 *
 * Drop-path in training mode (decisions per batch, from the apply context's `rng`): with
 * probability `globalDropPath` one column is chosen uniformly and only its units are evaluated
 * (global); otherwise every join drops each of its inputs with probability `dropPath`, keeping
 * one chosen uniformly when all were dropped (local), and averages the kept ones. Evaluation
 * runs the whole network deterministically.
 *
 * Parameters: `columns.k.j.K` (`[3, 3, c_in, channels]` role `'conv-kernel'`, or
 * `[d_in, channels]` role `'dense'`; `c_in` is the block's input width for `j = 0`, else
 * `channels`) and `columns.k.j.b` (`[channels]`, `'bias'`).
 *
 * @example
 * ```json
 * { "type": "fractal", "columns": 3, "channels": 16, "dropPath": 0.15, "globalDropPath": 0.5 }
 * ```
 */
export interface FractalLayerConfig {
  readonly type: 'fractal';
  /** Layer name (default `fractal_<index>`). */
  readonly name?: string;
  /** Number of columns `C` (1 to 8). */
  readonly columns: number;
  /** Output channels (feature maps) or units (vectors); default the input's. */
  readonly channels?: number;
  /** Kernel side of the convolutions on feature maps; default 3. */
  readonly kernelSize?: number;
  /** Activation of every unit; default `'relu'`. */
  readonly activation?: ActivationName;
  /** Weight initialiser; default by activation. */
  readonly init?: InitializerName;
  /** Local drop-path probability per join input; default 0.15. */
  readonly dropPath?: number;
  /** Probability that a training batch uses global drop-path; default 0.5. */
  readonly globalDropPath?: number;
}

/** The drop-path decisions of one forward pass. */
export type DropPlan =
  | { readonly kind: 'full' }
  | { readonly kind: 'global'; readonly column: number }
  | {
      readonly kind: 'local';
      /** For each join depth `d`, whether each column ending there (in column order) is kept. */
      readonly keep: ReadonlyMap<number, readonly boolean[]>;
    };

/** The columns whose units end at depth `d` (1-based, in units of the deepest column). */
export function endingColumns(columns: number, d: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < columns; k++) if (d % 2 ** (columns - 1 - k) === 0) out.push(k);
  return out;
}

/**
 * Draws the drop-path decisions of one training batch: global with probability `globalProb`
 * (one column uniformly), else local (each join input dropped with probability `p`, one revived
 * uniformly when a join would lose all of them). So each input of an `m`-way join is kept with
 * probability `(1 − p) + p^m/m` under local drop-path.
 */
export function sampleDropPlan(columns: number, p: number, globalProb: number, rng: Rng): DropPlan {
  if (columns === 1 || (p === 0 && globalProb === 0)) return { kind: 'full' };
  if (rng.nextFloat() < globalProb) return { kind: 'global', column: rng.nextInt(0, columns) };
  const keep = new Map<number, boolean[]>();
  for (let d = 2; d <= 2 ** (columns - 1); d += 2) {
    const ending = endingColumns(columns, d);
    const flags = ending.map(() => rng.nextFloat() >= p);
    if (!flags.some(Boolean)) flags[rng.nextInt(0, ending.length)] = true;
    keep.set(d, flags);
  }
  return { kind: 'local', keep };
}

/**
 * The fractal forward pass for a drop plan: `unit(k, j, z)` is unit `j` of column `k`. Only the
 * units whose output reaches the result are evaluated.
 */
export function fractalForward(
  columns: number,
  unit: (k: number, j: number, z: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  plan: DropPlan,
): tf.Tensor {
  const memo = new Map<number, tf.Tensor>([[0, x]]);
  const value = (d: number): tf.Tensor => {
    const cached = memo.get(d);
    if (cached) return cached;
    const ending = endingColumns(columns, d);
    let kept: number[];
    if (plan.kind === 'global') kept = ending.filter((k) => k === plan.column);
    else if (plan.kind === 'local' && ending.length > 1) {
      const flags = plan.keep.get(d) ?? ending.map(() => true);
      kept = ending.filter((_, i) => flags[i]);
    } else kept = ending;
    const inputs = kept.map((k) => {
      const span = 2 ** (columns - 1 - k);
      return unit(k, d / span - 1, value(d - span));
    });
    const v =
      inputs.length === 1 ? (inputs[0] as tf.Tensor) : tf.div(tf.addN(inputs), inputs.length);
    memo.set(d, v);
    return v;
  };
  return value(2 ** (columns - 1));
}

const KEYS = [
  'columns',
  'channels',
  'kernelSize',
  'activation',
  'init',
  'dropPath',
  'globalDropPath',
];

/** The `'fractal'` layer type. */
export const fractalLayerType: LayerType = {
  type: 'fractal',
  keys: KEYS,
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, ...KEYS], where);
    requireFeatures(input, where, 'a fractal block');
    const image = input.shape.length === 3;
    const cin = input.shape[input.shape.length - 1] as number;
    const columns = readNumber(config, 'columns', where, { min: 1, max: 8, integer: true });
    const channels = readNumber(config, 'channels', where, { min: 1, integer: true }, cin);
    const k = readNumber(config, 'kernelSize', where, { min: 1, integer: true }, 3);
    if (image && k % 2 === 0) {
      throw new ConfigError(
        `${where}.kernelSize: expected an odd size ('same' convolutions keep the map), got ${k}`,
      );
    }
    const activation = readOneOf(config, 'activation', where, ACTIVATIONS, 'relu');
    const init = readOneOf(config, 'init', where, INITIALIZERS, defaultInitializer(activation));
    const dropPath = readNumber(config, 'dropPath', where, { min: 0, max: 1 }, 0.15);
    const globalDropPath = readNumber(config, 'globalDropPath', where, { min: 0, max: 1 }, 0.5);
    const params: ParamInfo[] = [];
    for (let col = 0; col < columns; col++) {
      for (let j = 0; j < 2 ** col; j++) {
        const inWidth = j === 0 ? cin : channels;
        const base = `columns.${col}.${j}`;
        params.push(
          image
            ? {
                path: `${base}.K`,
                shape: [k, k, inWidth, channels],
                role: 'conv-kernel',
                init: weightInit(init, k * k * inWidth, k * k * channels),
              }
            : {
                path: `${base}.K`,
                shape: [inWidth, channels],
                role: 'dense',
                init: weightInit(init, inWidth, channels),
              },
          {
            path: `${base}.b`,
            shape: [channels],
            role: 'bias',
            init: { kind: 'constant', value: 0 },
          },
        );
      }
    }
    const outputShape = image
      ? [input.shape[0] as number, input.shape[1] as number, channels]
      : [channels];
    const training = dropPath > 0 || globalDropPath > 0;
    return {
      name,
      type: 'fractal',
      config: {
        type: 'fractal',
        name,
        columns,
        channels,
        kernelSize: k,
        activation,
        init,
        dropPath,
        globalDropPath,
      },
      inputShape: input.shape,
      outputShape,
      params,
      state: [],
      stochastic: training && columns > 1,
      apply(p, x, ctx) {
        const cols = (p as { columns: { K: tf.Tensor; b: tf.Tensor }[][] }).columns;
        let plan: DropPlan = { kind: 'full' };
        if (ctx.training && training && columns > 1) {
          if (!ctx.rng) {
            throw new ValueError(
              `${name}: drop-path in training mode draws from ctx.rng; pass an Rng in the apply context`,
            );
          }
          plan = sampleDropPlan(columns, dropPath, globalDropPath, ctx.rng);
        }
        const unit = (col: number, j: number, z: tf.Tensor): tf.Tensor => {
          const { K, b } = (cols[col] as { K: tf.Tensor; b: tf.Tensor }[])[j] as {
            K: tf.Tensor;
            b: tf.Tensor;
          };
          return activatedOperator(z, K, b, activation, `${name} unit ${col}.${j}`);
        };
        const used = new Set<string>();
        const y = fractalForward(
          columns,
          (col, j, z) => {
            used.add(`${col}.${j}`);
            return unit(col, j, z);
          },
          x,
          plan,
        );
        // Dropped units still take part with weight zero, so every parameter is in the gradient
        // graph (tf.grads rejects parameters the output does not depend on) with gradient 0.
        const idle: tf.Tensor[] = [];
        cols.forEach((column, col) => {
          column.forEach(({ K, b }, j) => {
            if (!used.has(`${col}.${j}`)) idle.push(tf.sum(K), tf.sum(b));
          });
        });
        return { y: idle.length === 0 ? y : tf.add(y, tf.mul(tf.addN(idle), 0)) };
      },
    };
  },
};
