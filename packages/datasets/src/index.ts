// Public API of @runge/datasets (Node). Browsers get index.browser.ts, the same list without the
// readers of files and of the embedded MNIST.
export { type Batch, type BatchOptions, batches, numBatches } from './batches.js';
export {
  type BlackScholesParams,
  type BlackScholesValues,
  blackScholesCall,
  blackScholesPut,
} from './black-scholes.js';
export {
  type BlackScholesDatasetOptions,
  type BlackScholesRanges,
  blackScholesDataset,
  type Range,
} from './black-scholes-dataset.js';
export {
  type BlackScholesQuotesOptions,
  blackScholesQuotes,
} from './black-scholes-quotes.js';
export { loadCifar10Batch } from './cifar10.js';
export { createDataset, type Dataset, disposeDataset } from './dataset.js';
export { type EllipsesOptions, ellipses } from './ellipses.js';
export { type EmbeddedMnistSplit, loadEmbeddedMnist } from './embedded-mnist.js';
export { type GbmOptions, gbmPaths } from './gbm.js';
export {
  type IdxImageOptions,
  type IdxLabelOptions,
  loadIdxDataset,
  readIdxImages,
  readIdxLabels,
} from './idx.js';
export { mapInputs } from './map-inputs.js';
export { curveFunction, type NoisyCurveOptions, noisyCurve } from './noisy-curve.js';
export { erf, erfc, normalCdf } from './normal-cdf.js';
export { fitMinMax, type MinMax, normalize } from './normalize.js';
export { peaks, peaksFunction, peaksRegression } from './peaks.js';
export { pyramid } from './pyramid.js';
export { randomShift } from './random-shift.js';
export { shuffle } from './shuffle.js';
export {
  type SparseRegression,
  type SparseRegressionOptions,
  sparseRegression,
} from './sparse-regression.js';
export { type SpiralsOptions, spirals } from './spirals.js';
export { fitStandardization, type Standardization, standardize } from './standardize.js';
export { subset } from './subset.js';
export { trainValidationSplit } from './train-validation-split.js';
export { upsample } from './upsample.js';
