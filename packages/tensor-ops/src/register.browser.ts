/**
 * Side-effect entry for browser bundles: registers TF.js gradients through core's own ESM module,
 * which bundlers can resolve.
 *
 * @packageDocumentation
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
