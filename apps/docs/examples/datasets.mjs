// The synthetic data sets of @runge/datasets, drawn from seeds, with the statistics that define
// them (plain Node).
import {
  blackScholesCall,
  blackScholesPut,
  disposeDataset,
  gbmPaths,
  loadEmbeddedMnist,
  peaks,
  spirals,
} from '@runge/datasets';
import { initBackend, Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

await initBackend();

// Two spiral arms of 1,000 points: x [1000, 2], labels y [1000] in {0, 1}.
const arms = spirals({ n: 1000, rng: Rng.fromSeed(1) });
console.log(`spirals: x ${arms.x.shape}, y ${arms.y.shape}, ${arms.numClasses} classes`);
disposeDataset(arms);

// Peaks with 5 classes: each class is a fifth of the square's area, so about 1/5 of the points.
const levels = peaks({ n: 5000, numClasses: 5, rng: Rng.fromSeed(2) });
const counts = tf.tidy(() => tf.bincount(levels.y, [], 5).arraySync());
console.log(`peaks: class fractions ${counts.map((c) => (c / 5000).toFixed(3)).join(', ')}`);
disposeDataset(levels);

// Geometric Brownian motion, sampled exactly: E[S_T] = S₀ e^{μT}.
const S = gbmPaths({
  paths: 4000,
  steps: 50,
  dt: 1 / 50,
  mu: 0.05,
  sigma: 0.2,
  s0: 100,
  rng: Rng.fromSeed(3),
});
const meanST = tf.tidy(() => tf.mean(tf.slice(S, [0, 50], [-1, 1])).dataSync()[0]);
console.log(`gbm: mean S_T ${meanST.toFixed(2)} (S₀ e^μT = ${(100 * Math.exp(0.05)).toFixed(2)})`);
S.dispose();

// Black–Scholes prices in closed form; put–call parity C − P = S − K e^{−rT}.
const option = { S: 100, K: 100, T: 1, sigma: 0.2, r: 0.05 };
const call = blackScholesCall(option).price;
const put = blackScholesPut(option).price;
console.log(
  `black-scholes: call ${call.toFixed(4)}, put ${put.toFixed(4)}, C − P ${(call - put).toFixed(4)}`,
);

// The embedded MNIST digits ship with the package: no download.
const mnist = await loadEmbeddedMnist({ split: 'test' });
console.log(`mnist: x ${mnist.x.shape}, ${mnist.numClasses} classes`);
disposeDataset(mnist);
