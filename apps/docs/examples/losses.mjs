// The losses of @runge/losses on inputs small enough to check by hand (plain Node).
import { accuracy, mse, quantileLoss, softmaxCrossEntropy } from '@runge/losses';
import { initBackend } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

await initBackend();
const value = (t) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

// Cross-entropy of logits z with labels c: mean over examples of log Σ_k e^{z_k} − z_c.
const logits = tf.tensor2d([
  [2, 0],
  [0, 1],
  [3, 0],
]);
const labels = tf.tensor1d([0, 1, 1], 'int32');
console.log(`cross-entropy: ${value(softmaxCrossEntropy(logits, labels)).toFixed(6)}`);
console.log(`accuracy: ${accuracy(logits, labels).toFixed(6)}`);
tf.dispose([logits, labels]);

// Regression: the mean squared error.
const prediction = tf.tensor1d([1, 2, 4]);
const target = tf.tensor1d([0, 4, 4]);
console.log(`mse: ${value(mse(prediction, target)).toFixed(6)}`);

// The pinball loss of the α-quantile: α·(y − ŷ) when under, (1 − α)·(ŷ − y) when over.
console.log(`quantile 0.9: ${value(quantileLoss(prediction, target, 0.9)).toFixed(6)}`);
tf.dispose([prediction, target]);
