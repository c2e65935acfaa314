// The input-selection task: an L1 input-selection layer in front of a small network on a sparse regression ranks the inputs; the report says whether the relevant ones come first.
import type { ModelParams } from '@runge/architectures';
import { disposeDataset, type SparseRegression, sparseRegression } from '@runge/datasets';
import { inputSelectionPenalty } from '@runge/losses';
import { ConfigError, type Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingProblem } from '../../problem.js';
import { evaluateRegressor, regression } from '../../regression.js';
import type { Batch } from '../../tensor-source.js';
import { tensorSource } from '../../tensor-source.js';
import type { RunConfig } from '../run-config.js';
import { drawGenerated, splitGenerated } from './application-data.js';
import { networkOptions } from './network-options.js';
import { mainNetwork, type RunTask, type TaskNetwork } from './run-task.js';

/** The name of the selection layer in the task's network. */
const LAYER = 'select';

/** The sparse regression of a run configuration (the same draws every time it is asked for). */
function sparseData(config: RunConfig): { data: SparseRegression; rng: Rng } {
  const { features, relevant } = config.application.inputSelection;
  const { drawn, rng } = drawGenerated(config, (n, g) =>
    sparseRegression({ n, rng: g, features, relevant }),
  );
  return { data: drawn, rng };
}

/** The selection weights `|w_i|` of a trained network. */
function weightsOf(net: TaskNetwork): number[] {
  const w = (net.params[LAYER] as { w: tf.Tensor }).w;
  return Array.from(w.dataSync(), Math.abs);
}

/**
 * The inputs ranked by their selection weight `|w_i|`, largest first.
 *
 * @param weights - `|w_i|` per input.
 * @returns Input indices, most important first.
 */
function ranking(weights: readonly number[]): number[] {
  return weights.map((_, i) => i).sort((a, b) => (weights[b] as number) - (weights[a] as number));
}

/**
 * Ranks the inputs of a sparse regression (`sparseRegression` of @runge/datasets:
 * `application.inputSelection.features` standard normal inputs, `relevant` of which carry the
 * target) with an `'input-selection'` layer (`x̂ = x ⊙ w`) in front of a `model.channels`-wide
 * tanh layer and a linear output, trained on the mean squared error plus `λ‖w‖₁`
 * (`application.inputSelection.lambda`). The report gives the ranking by `|w_i|`, the weights, the
 * relevant inputs, and `recall`: the share of the relevant inputs among the first `k` ranked (1
 * when they all come first). `data.source` is not used; `data.points` is the size of the set.
 * docs: /guide/applications#input-selection
 */
export const inputSelectionTask: RunTask = {
  name: 'input-selection',
  description:
    'an L1 input-selection layer ranks the inputs of a sparse regression; the report says whether the relevant ones come first',
  targets: 'values',
  sources: [],
  headline: 'rmse',
  stepCycle: true,
  defaults: {
    data: { points: 500, validation: 0 },
    train: { epochs: 20, batchSize: 32, optimizer: 'adam', lr: 0.01 },
  },
  check(config, { source, name }) {
    const { features, relevant } = config.application.inputSelection;
    if (relevant > features) {
      throw new ConfigError(
        `${source}: ${name('application.inputSelection.relevant')} ${relevant} is more than the ${features} features (${name('application.inputSelection.features')}); use at most as many`,
      );
    }
  },
  async loadData(config) {
    const { data, rng } = sparseData(config);
    return splitGenerated(config, data.dataset, rng);
  },
  networks(config) {
    return {
      model: {
        name: 'input-selection',
        input: [config.application.inputSelection.features],
        layers: [
          { type: 'input-selection', name: LAYER },
          { type: 'dense', units: config.model.channels, activation: 'tanh' },
          { type: 'dense', units: 1 },
        ],
      },
    };
  },
  problem(level): TrainingProblem<Batch> {
    const lambda = level.config.application.inputSelection.lambda;
    const base = regression(networkOptions(level));
    const player = base.players[0] as TrainingProblem<Batch>['players'][number];
    return {
      ...base,
      players: [
        {
          ...player,
          loss: (p, s, batch, ctx) => {
            const out = player.loss(p, s, batch, ctx);
            const w = ((p.model as ModelParams)[LAYER] as { w: tf.Tensor }).w;
            const penalty = inputSelectionPenalty(w, lambda);
            return {
              ...out,
              loss: tf.add(out.loss, penalty) as tf.Scalar,
              metrics: { ...out.metrics, l1: penalty },
            };
          },
        },
      ],
    };
  },
  evaluate(nets, data) {
    const net = mainNetwork(nets);
    const result = evaluateRegressor(net.model.apply, net.params, net.state, tensorSource(data));
    return {
      loss: result.loss,
      metrics: { rmse: result.rmse, r2: result.r2 },
      examples: result.examples,
    };
  },
  async report({ config, nets }) {
    const { data } = sparseData(config);
    disposeDataset(data.dataset);
    const weights = weightsOf(mainNetwork(nets));
    const order = ranking(weights);
    const k = data.relevant.length;
    const found = order.slice(0, k).filter((i) => data.relevant.includes(i)).length;
    return {
      files: [],
      summary: {
        relevant: [...data.relevant],
        ranking: order,
        weights: order.map((i) => weights[i] as number),
        recall: found / k,
      },
    };
  },
};
