// The four gradient modes of an ODE solve, on a Hamiltonian network integrated by leapfrog:
// the gradient each gives, the peak memory of computing it and the time it takes (plain Node).
import { GRADIENT_MODES, solve } from '@runge/integrators';
import { initBackend, Rng, treeDispose, valueAndGrad } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

const info = await initBackend();
console.log(`backend: ${info.backend}`);

// q' = Kᵀσ(Kp + b), p' = −Kᵀσ(Kq + b): 32 examples of 16 features, one weight set on [0, 4].
const layer = (x, { K, b }) => tf.matMul(tf.tanh(tf.add(tf.matMul(x, K, false, true), b)), K);
const f = {
  dq: (_t, p, theta) => layer(p, theta),
  dp: (_t, q, theta) => tf.neg(layer(q, theta)),
};
const rng = Rng.fromSeed(1);
const variables = {
  q0: rng.normal([32, 16]),
  p0: rng.normal([32, 16]),
  K: rng.normal([16, 16], { std: 0.25 }),
  b: rng.normal([16], { std: 0.1 }),
};
const target = rng.normal([32, 16]);

/** The loss ½‖q(T) − target‖² and its gradient with respect to q0, p0, K and b. */
function lossAndGradient(gradient, steps) {
  const { value, grads } = valueAndGrad(({ q0, p0, K, b }) => {
    const { y } = solve({ f, y0: { q: q0, p: p0 }, params: { K, b }, t1: 4, steps, gradient });
    return tf.mul(0.5, tf.sum(tf.square(tf.sub(y.q, target))));
  })(variables);
  const flat = tf.tidy(() => tf.concat(Object.values(grads).map((g) => tf.reshape(g, [-1]))));
  const result = { loss: value.dataSync()[0], gradient: flat.dataSync() };
  tf.dispose([value, flat]);
  treeDispose(grads);
  return result;
}

const relativeError = (a, b) => {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d / n);
};

lossAndGradient('backprop', 4); // warm up the kernels
for (const steps of [16, 128]) {
  const reference = lossAndGradient('backprop', steps).gradient;
  for (const mode of GRADIENT_MODES) {
    const before = tf.memory().numBytes;
    const started = performance.now();
    let gradient;
    const profile = await tf.profile(() => {
      gradient = lossAndGradient(mode, steps).gradient;
    });
    const ms = performance.now() - started;
    const peak = (profile.peakBytes - before) / 1024;
    console.log(
      `N = ${steps} ${mode}: peak ${peak.toFixed(0)} KiB, ${ms.toFixed(0)} ms, ` +
        `gradient vs backprop ${relativeError(gradient, reference).toExponential(1)}`,
    );
  }
}
treeDispose(variables);
target.dispose();
