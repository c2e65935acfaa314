// Train an antisymmetric ODE network on two spirals with Runge's libraries (plain Node, ESM).
import { buildModel, toyConfig, withSteps } from '@runge/architectures';
import { disposeDataset, spirals } from '@runge/datasets';
import { initBackend, Rng, treeDispose } from '@runge/tensor-ops';
import { adam, classification, evaluateClassifier, fit, tensorSource } from '@runge/train';

const info = await initBackend(); // tfjs-node if installed, else native if built, else wasm
console.log(`backend: ${info.backend}`);

// Data: 1,000 points on two interleaved spirals for training, 400 fresh ones for testing.
const train = spirals({ n: 1000, noise: 0.02, rng: Rng.fromSeed(1) });
const test = spirals({ n: 400, noise: 0.02, rng: Rng.fromSeed(2) });

// Model: dense 2 → 16, an antisymmetric ODE block σ((K − Kᵀ)Y + b) of 8 RK4 steps, dense 16 → 2.
const config = toyConfig({ dynamics: 'antisymmetric', width: 16, steps: 8, method: 'rk4' });
const model = buildModel(config);
const { params } = model.init(0);
console.log(`${model.name}: ${model.parameterCount} parameters`);

const problem = classification({
  apply: model.apply,
  params,
  optimizer: adam(),
  learningRate: { type: 'cosine', lr: 0.02 },
});
const result = await fit({
  problem,
  train: tensorSource(train),
  validation: tensorSource(test),
  epochs: 20,
  batchSize: 50,
  seed: 3,
  onEvent: (e) => {
    if (e.type === 'epoch-end' && (e.record.epoch + 1) % 5 === 0) {
      const v = e.record.validation;
      console.log(
        `epoch ${e.record.epoch + 1}: validation accuracy ${(100 * v.accuracy).toFixed(1)}%`,
      );
    }
  },
});

// The same weights with 4× more, smaller steps: the network is a discretised ODE.
const trained = result.params.model;
const deeper = buildModel(withSteps(config, 32));
for (const [name, m] of [
  ['N = 8', model],
  ['N = 32', deeper],
]) {
  const { accuracy } = evaluateClassifier(m.apply, trained, {}, tensorSource(test));
  console.log(`${name}: test accuracy ${(100 * accuracy).toFixed(1)}%`);
}

treeDispose(result.params);
disposeDataset(train);
disposeDataset(test);
