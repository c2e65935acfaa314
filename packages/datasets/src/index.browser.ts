// Public API of @runge/datasets for browsers and bundlers (the `browser` export condition): the
// same names as index.ts, with the file readers and the embedded MNIST failing clearly (they need Node's fs).
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
export { createDataset, type Dataset, disposeDataset } from './dataset.js';
export { type EllipsesOptions, ellipses } from './ellipses.js';
export type { EmbeddedMnistSplit } from './embedded-mnist.js';
export {
  loadCifar10Batch,
  loadEmbeddedMnist,
  loadIdxDataset,
  readIdxImages,
  readIdxLabels,
} from './file-readers.browser.js';
export { type GbmOptions, gbmPaths } from './gbm.js';
export type { IdxImageOptions, IdxLabelOptions } from './idx.js';
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
