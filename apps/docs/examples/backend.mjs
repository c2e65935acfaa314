// Which backend Runge trains on, and what it reports about it (plain Node).
import { initBackend } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

// 'auto': @tensorflow/tfjs-node-gpu, else @tensorflow/tfjs-node, else the embedded wasm backend
const info = await initBackend();
console.log(
  `backend: ${info.backend} (${info.package}), threads ${info.threads}, simd ${info.simd}`,
);
for (const note of info.notes) console.log(`note: ${note}`);

// gradients are registered whatever the backend: d/dx Σ x² = 2x
const x = tf.tensor1d([1, 2, 3]);
const g = tf.grad((v) => tf.sum(tf.square(v)))(x);
console.log(`gradient of Σx² at [1, 2, 3]: [${g.dataSync().join(', ')}]`);
tf.dispose([x, g]);
