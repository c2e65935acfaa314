// A network's ODE block is a discretised ODE: the same weights with N, 2N, 4N, … steps converge
// to the ODE's flow at the order of the integrator (plain Node).
import { buildModel, toyConfig, withSteps } from '@runge/architectures';
import { initBackend, Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

await initBackend();
const x = Rng.fromSeed(2).normal([256, 2]);

for (const method of ['euler', 'rk4']) {
  // dense 2 → 8 (tanh), ∂ₜY = tanh(K Y + b) on [0, 1] with N steps of `method`, dense 8 → 2
  // (a smooth right-hand side: with ReLU's kink the order of RK4 drops)
  const config = toyConfig({ dynamics: 'resnet', width: 8, steps: 1, method, activation: 'tanh' });
  const { params } = buildModel(config).init(0);
  const outputs = [2, 4, 8, 16, 32].map((steps) => {
    const { y } = buildModel(withSteps(config, steps)).apply(params, x);
    return y;
  });
  // ‖y_N − y_2N‖ ≈ C hᵖ (1 − 2⁻ᵖ): halving h divides it by 2ᵖ
  const gaps = outputs
    .slice(1)
    .map((y, i) => tf.tidy(() => tf.norm(tf.sub(y, outputs[i])).dataSync()[0]));
  const ratios = gaps.slice(1).map((g, i) => gaps[i] / g);
  console.log(
    `${method}: ‖y_N − y_2N‖ for N = 2, 4, 8, 16: ${gaps.map((g) => g.toExponential(2)).join(', ')}`,
  );
  console.log(`${method}: successive ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}`);
  tf.dispose(outputs);
  tf.dispose(Object.values(params).flatMap((p) => Object.values(p)));
}
x.dispose();
