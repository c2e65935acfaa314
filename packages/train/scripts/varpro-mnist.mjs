// Variable projection against SGD with momentum on a small conv ODE net and the embedded MNIST digits: validation accuracy against outer iterations and wall time, written as JSON.
// Run after building (`pnpm turbo run build --filter=@runge/train...`) from packages/train:
//   node scripts/varpro-mnist.mjs [iterations=40] [batch=1000] [out=varpro-mnist.json] [lr=0.1] [headLambda=0.01] [only=varpro|sgd]
// OUTER_LR sets variable projection's outer learning rate (default lr), OUTER=adam its rule (default
// SGD with Nesterov momentum 0.9); the guide's numbers come from
//   OUTER_LR=0.5 node scripts/varpro-mnist.mjs 10 2000 varpro.json 0.1 0.003 varpro
//   node scripts/varpro-mnist.mjs 100 2000 sgd.json 0.1 0.003 sgd
import { writeFileSync } from 'node:fs';
import { buildModel } from '@runge/architectures';
import { loadEmbeddedMnist } from '@runge/datasets';
import { initBackend, Rng } from '@runge/tensor-ops';
import { adam, classification, fit, sgd, tensorSource, variableProjection } from '@runge/train';
import * as tf from '@tensorflow/tfjs-core';

const iterations = Number(process.argv[2] ?? 40);
const batch = Number(process.argv[3] ?? 1000);
const out = process.argv[4] ?? 'varpro-mnist.json';
const lr = Number(process.argv[5] ?? 0.1);
const headLambda = Number(process.argv[6] ?? 1e-2);
const only = process.argv[7];
const target = 0.95;

await initBackend({ backend: process.env.RUNGE_BACKEND ?? 'wasm' });
const train = await loadEmbeddedMnist({ split: 'train' });
const test = await loadEmbeddedMnist({ split: 'test' });

// average pool 2×2 (28 → 14); conv 3×3 1→8 + ReLU; 2 forward-Euler ReLU-conv steps (h = 1/2);
// flatten; dense 1568 → 10
const config = {
  name: 'conv-ode-small',
  input: [28, 28, 1],
  layers: [
    { type: 'pool', mode: 'avg', size: 2 },
    { type: 'conv', channels: 8, kernelSize: 3, padding: 'same', activation: 'relu' },
    {
      type: 'ode',
      dynamics: 'resnet',
      steps: 2,
      controls: 2,
      T: 1,
      method: 'euler',
      activation: 'relu',
    },
    { type: 'flatten' },
    { type: 'dense', units: 10 },
  ],
};
const model = buildModel(config);
const body = buildModel({ ...config, layers: config.layers.slice(0, -1) });
const head = model.layers[model.layers.length - 1].name;

/** Every "epoch" is one batch of `batch` examples drawn afresh from the training set. */
function sampled(seed) {
  const rng = Rng.fromSeed(seed);
  return {
    size: batch,
    take() {
      const idx = tf.tensor1d(rng.permutation(train.size).subarray(0, batch), 'int32');
      const b = { x: tf.gather(train.x, idx), y: tf.gather(train.y, idx) };
      idx.dispose();
      return b;
    },
    disposeBatch(b) {
      tf.dispose([b.x, b.y]);
    },
  };
}

async function run(name, optimizer, lr) {
  const { params, state } = model.init(7);
  const curve = [];
  let trainSeconds = 0;
  const result = await fit({
    problem: classification({ apply: model.apply, params, state, optimizer, learningRate: lr }),
    train: sampled(11),
    validation: tensorSource(test),
    epochs: iterations,
    batchSize: batch,
    seed: 3,
    onEvent: (e) => {
      if (e.type !== 'epoch-end') return;
      trainSeconds += batch / e.record.samplesPerSecond; // training time, without the validation
      curve.push({
        iteration: e.record.epoch + 1,
        seconds: Number(trainSeconds.toFixed(2)),
        trainLoss: Number(e.record.train.loss.toFixed(4)),
        accuracy: e.record.validation.accuracy,
      });
      console.log(name, JSON.stringify(curve[curve.length - 1]));
    },
  });
  tf.dispose([result.params, result.state]);
  const hit = curve.find((p) => p.accuracy >= target);
  return { name, lr, curve, reached: hit ?? null };
}

const results = [];
if (only !== 'sgd')
  results.push(
    await run(
      'varpro',
      variableProjection({
        head,
        features: (p, x) =>
          tf.tidy(() => {
            const { y } = body.apply(p, x, { training: false });
            return tf.reshape(y, [y.shape[0], -1]);
          }),
        inner: { regularization: headLambda },
        outer: process.env.OUTER === 'adam' ? adam() : sgd({ momentum: 0.9, nesterov: true }),
      }),
      Number(process.env.OUTER_LR ?? lr),
    ),
  );
if (only !== 'varpro')
  results.push(await run('sgd-momentum', sgd({ momentum: 0.9, nesterov: true }), lr));
writeFileSync(
  out,
  JSON.stringify({ model: config, batch, iterations, target, headLambda, results }, null, 1),
);
for (const r of results) {
  console.log(
    r.name,
    r.reached
      ? `reached ${target} at iteration ${r.reached.iteration} (${r.reached.seconds} s)`
      : `did not reach ${target} in ${iterations} iterations (best ${Math.max(...r.curve.map((p) => p.accuracy))})`,
  );
}
