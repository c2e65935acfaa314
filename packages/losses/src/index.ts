// Public API of @runge/losses.

export { accuracy, type ClassificationOptions, softmaxCrossEntropy } from './cross-entropy.js';
export { type ElboOptions, type ElboResult, elbo } from './elbo.js';
export {
  criticLoss,
  discriminatorLoss,
  generatorLossMinimax,
  generatorLossNonSaturating,
  wassersteinGeneratorLoss,
} from './gan.js';
export { gaussianKl } from './gaussian-kl.js';
export { gaussianNll } from './gaussian-nll.js';
export { type Critic, type GradientPenaltyOptions, gradientPenalty } from './gradient-penalty.js';
export { gramMatrix } from './gram-matrix.js';
export {
  inputSelectionApply,
  inputSelectionInit,
  inputSelectionPenalty,
} from './input-selection.js';
export { l1 } from './l1.js';
export { mse } from './mse.js';
export { type FeatureExtractor, featureLoss, styleLoss } from './perceptual.js';
export { quantileLoss } from './quantile-loss.js';
export {
  type RandomFeatureExtractor,
  type RandomFeatureExtractorOptions,
  randomFeatureExtractor,
} from './random-feature-extractor.js';
export { reparameterize } from './reparameterize.js';
export { logSoftmax, softmax } from './softmax.js';
export { timeSmoothness } from './time-smoothness.js';
export { weightDecay } from './weight-decay.js';
