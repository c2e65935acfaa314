// The names of the run tasks, the one list that run configurations, the registry and the CLI share.

/**
 * The tasks a run configuration can name (`task`): what is learned from the data and how a
 * trained model is judged.
 * - `classification`: softmax cross-entropy on class labels; accuracy and the confusion matrix.
 * - `regression`: mean squared error on real-valued targets; the test RMSE and R².
 * - `sequence-mnist`: the digits read row by row by a recurrent cell; accuracy and confusion.
 * - `quantile-gbm`: the next value of GBM paths at P90 and P99 (pinball loss); coverage.
 * - `black-scholes`: a finite-difference Black–Scholes network learns σ (one value or a local-volatility profile) and r from call quotes.
 * - `input-selection`: an L1 input-selection layer ranks the inputs of a sparse regression.
 * - `mc-dropout`: Monte-Carlo dropout predictive intervals on a noisy curve, with their coverage.
 * - `gan-gbm`: a GAN (discriminator, non-saturating loss) learns the log-returns of geometric
 *   Brownian motion paths; judged by their moments and the Kolmogorov–Smirnov statistic.
 * - `wgan-gbm`: the same with a WGAN critic (spectral normalisation, optional gradient penalty).
 * - `gan-mnist`: a GAN learns the MNIST digits (DCGAN-style convolutional or MLP players); a grid of
 *   samples per epoch, judged by the gap between the real and generated mean images.
 * - `wgan-mnist`: the same with a WGAN critic (spectrally normalised convolutions, optional
 *   gradient penalty).
 * - `vae-mnist`: a variational autoencoder learns the MNIST digits; judged by the test ELBO.
 *
 * @example
 * ```ts
 * TASK_NAMES.includes('classification'); // true
 * ```
 */
export const TASK_NAMES = Object.freeze([
  'classification',
  'regression',
  'sequence-mnist',
  'quantile-gbm',
  'black-scholes',
  'input-selection',
  'mc-dropout',
  'gan-gbm',
  'wgan-gbm',
  'gan-mnist',
  'wgan-mnist',
  'vae-mnist',
] as const);

/** A name of {@link TASK_NAMES}. */
export type TaskName = (typeof TASK_NAMES)[number];
