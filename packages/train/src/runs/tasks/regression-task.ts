// The regression task: real-valued targets, mean squared error, RMSE and R².
import { ConfigError } from '@runge/tensor-ops';
import { evaluateRegressor, regression } from '../../regression.js';
import { tensorSource } from '../../tensor-source.js';
import { networkOptions } from './network-options.js';
import { mainNetwork, type RunTask } from './run-task.js';

/** Learns real-valued targets with the mean squared error; judged by the test RMSE and R². */
export const regressionTask: RunTask = {
  name: 'regression',
  description: 'real-valued targets (the peaks surface): mean squared error; test RMSE and R²',
  targets: 'values',
  sources: ['peaks'],
  headline: 'rmse',
  stepCycle: true,
  check(config, { source, name }) {
    if (!this.sources.includes(config.data.source)) {
      throw new ConfigError(
        `${source}: ${name('data.source')} '${config.data.source}' has no real-valued targets; the regression task learns from ${this.sources.join(', ')}`,
      );
    }
  },
  problem(ctx) {
    return regression(networkOptions(ctx));
  },
  evaluate(nets, data) {
    const { model, params, state } = mainNetwork(nets);
    const result = evaluateRegressor(model.apply, params, state, tensorSource(data));
    return {
      loss: result.loss,
      metrics: { rmse: result.rmse, r2: result.r2 },
      examples: result.examples,
    };
  },
};
