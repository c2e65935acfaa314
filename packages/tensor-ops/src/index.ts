// Public API of @runge/tensor-ops.

export { antisymmetricConvKernel, antisymmetricDense } from './antisymmetric.js';
export {
  BACKEND_REQUESTS,
  type BackendInfo,
  type BackendKind,
  type BackendRequest,
  getBackendInfo,
  type InitBackendOptions,
  initBackend,
} from './backend.js';
export {
  type ConvExplicitPadding,
  type ConvOptions,
  type ConvPadding,
  type ConvTransposeOptions,
  conv,
  convTranspose,
} from './conv-operator.js';
export {
  BackendError,
  ConfigError,
  DataError,
  DTypeError,
  FileError,
  GradientsError,
  NumericalError,
  RungeError,
  type RungeErrorCode,
  ShapeError,
  StateError,
  StructureError,
  ValueError,
} from './errors.js';
export {
  FUSED_CONV_ACTIVATIONS,
  type FusedConvActivation,
  type FusedConvOptions,
  fusedConv,
  isFusedConvActivation,
} from './fused-conv.js';
export { assertGradients, hasGradients, registerGradients } from './gradients.js';
export { prolong, restrict } from './grid-transfer.js';
export { installWasmKernels, type WasmKernelsInfo } from './kernels/install-wasm-kernels.js';
export { type ResidualConvOptions, residualConv } from './residual-conv.js';
export { Rng, type RngState } from './rng.js';
export {
  type ConvSpectralNormOptions,
  convSpectralNorm,
  type PowerIterationOptions,
  type SpectralNormOptions,
  type SpectralNormResult,
  spectralNorm,
} from './spectral-norm.js';
export {
  coefficientsToKernel,
  type DerivativeOrder,
  type DifferentialBasisElement,
  differentialBasis,
  finiteDifferenceStencil,
  kernelToCoefficients,
} from './stencils.js';
export {
  type TensorTree,
  type Tree,
  tidyTree,
  treeAdd,
  treeAxpy,
  treeClone,
  treeDispose,
  treeDot,
  treeEntries,
  treeFlatten,
  treeKeep,
  treeLeaves,
  treeMap,
  treeMapWithPath,
  treeNorm,
  treeScale,
  treeSize,
  treeSub,
  treeZerosLike,
} from './tree.js';
export {
  decodeTrees,
  encodeTrees,
  type JsonValue,
  loadTrees,
  saveTrees,
  type TreeArchive,
} from './tree-io.js';
export {
  assertDtype,
  assertFinite,
  assertNumber,
  assertOneOf,
  assertRank,
  assertSameShape,
  assertShape,
  assertTensor,
  formatShape,
  isTensor,
} from './validate.js';
export { valueAndGrad } from './value-and-grad.js';
export type { WasmBinaryName, WasmPaths } from './wasm-paths.js';
