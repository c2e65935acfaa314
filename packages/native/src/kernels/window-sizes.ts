// The window geometry of the native convolutions and pools: TF.js's Conv2DInfo as the addon's sizes.
import * as tf from '@tensorflow/tfjs-core';

/** The attributes every Conv2D kernel and its gradients share. */
export type ConvWindowAttrs = Pick<
  tf.Conv2DAttrs,
  'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'
>;

/**
 * The sizes the addon's windowed kernels take, or null when the native kernels do not apply
 * (dilation other than 1, an empty size, a negative padding): `batch, inHeight, inWidth,
 * inChannels, filterHeight, filterWidth, [outChannels,] strideHeight, strideWidth, padTop,
 * padLeft, outHeight, outWidth` — 13 for a convolution, 12 without `outChannels` for a pool.
 */
export function windowSizes(
  info: tf.backend_util.Conv2DInfo,
  withOutChannels: boolean,
): Int32Array | null {
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const dims = [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.filterHeight,
    info.filterWidth,
    ...(withOutChannels ? [info.outChannels] : []),
    info.strideHeight,
    info.strideWidth,
  ];
  const pads = [info.padInfo.top, info.padInfo.left];
  const out = [info.outHeight, info.outWidth];
  if ([...dims, ...out].some((s) => s <= 0) || pads.some((p) => p < 0)) return null;
  return Int32Array.from([...dims, ...pads, ...out]);
}

/**
 * TF.js's geometry of the NHWC convolution of `xShape` by `filterShape` and the addon's 13 sizes
 * for it, or null when the native kernels do not apply (NCHW, dilation, an empty size).
 */
export function convWindow(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvWindowAttrs,
  dilations: tf.Conv2DAttrs['dilations'],
): { info: tf.backend_util.Conv2DInfo; sizes: Int32Array } | null {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') return null;
  const sizes = windowSizes(info, true);
  return sizes === null ? null : { info, sizes };
}

/** Whether a gradient `dy` has the output height and width of the window `info`. */
export function matchesOutput(dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): boolean {
  return dy.shape[1] === info.outHeight && dy.shape[2] === info.outWidth;
}
