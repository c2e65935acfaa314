// @runge/native: optional compiled CPU kernels (AVX2/FMA, a thread pool) as the TF.js backend 'native'.
export {
  defaultAddonPath,
  loadNativeAddon,
  NATIVE_ADDON_ENV,
  NATIVE_BUILD_COMMAND,
  type NativeAddon,
  type NativeAddonStatus,
} from './addon.js';
export { RELU_GRAD_KERNEL } from './kernels/relu-grad.js';
export {
  RESIDUAL_CONV_GRAD_KERNEL,
  RESIDUAL_CONV_KERNEL,
  RESIDUAL_CONV_MASK_KERNEL,
} from './kernels/residual-conv.js';
export { NativeBackend } from './native-backend.js';
export {
  NATIVE_BACKEND_NAME,
  NATIVE_KERNELS,
  type NativeBackendInfo,
  type NativeBackendOptions,
  registerNativeBackend,
} from './register-native-backend.js';
export { installReluGradient, reluGradient } from './relu-gradient.js';
export { installResidualConvGradient } from './residual-conv-gradient.js';
