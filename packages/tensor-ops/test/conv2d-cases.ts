// Convolution shapes the wasm gradient kernels are checked on: strides 1 and 2, 'same', 'valid',
// numeric and explicit paddings, batch 1 and > 1, odd and even sizes, 1 and many channels, and
// the sizes that trigger the kernels' special layouts.
import type * as tf from '@tensorflow/tfjs-core';

export interface Conv2dCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  rounding?: 'floor' | 'round' | 'ceil';
}

export const conv2dCases: Conv2dCase[] = [
  {
    name: 'single channel, batch 1, same',
    x: [1, 5, 5, 1],
    filter: [3, 3, 1, 1],
    strides: 1,
    pad: 'same',
  },
  { name: 'odd sizes, valid', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { name: 'stride 2, same, odd', x: [3, 9, 8, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'same' },
  {
    name: 'stride 2, valid, even',
    x: [2, 8, 8, 3],
    filter: [3, 3, 3, 2],
    strides: 2,
    pad: 'valid',
  },
  {
    name: 'even filter, stride 2, same',
    x: [2, 7, 9, 4],
    filter: [2, 2, 4, 3],
    strides: 2,
    pad: 'same',
  },
  { name: '1×1 filter', x: [1, 6, 5, 2], filter: [1, 1, 2, 3], strides: 1, pad: 'valid' },
  {
    name: '1×1 filter, stride 2 (phases without taps)',
    x: [2, 7, 6, 3],
    filter: [1, 1, 3, 2],
    strides: 2,
    pad: 'valid',
  },
  { name: 'stride 3, same', x: [1, 10, 9, 2], filter: [3, 3, 2, 2], strides: 3, pad: 'same' },
  {
    name: '5×5 filter, stride 2, same',
    x: [2, 9, 10, 3],
    filter: [5, 5, 3, 4],
    strides: 2,
    pad: 'same',
  },
  { name: 'strides [1, 2]', x: [2, 6, 7, 3], filter: [3, 3, 3, 2], strides: [1, 2], pad: 'same' },
  {
    name: 'numeric pad, round',
    x: [2, 7, 7, 2],
    filter: [3, 3, 2, 3],
    strides: 2,
    pad: 1,
    rounding: 'round',
  },
  {
    name: 'explicit pad',
    x: [2, 6, 7, 3],
    filter: [3, 3, 3, 2],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
  {
    name: 'explicit pad wider than the filter',
    x: [1, 5, 6, 2],
    filter: [3, 3, 2, 2],
    strides: 1,
    pad: [
      [0, 0],
      [3, 0],
      [0, 1],
      [0, 0],
    ],
  },
  { name: 'many channels', x: [2, 6, 6, 16], filter: [3, 3, 16, 16], strides: 1, pad: 'same' },
  {
    name: 'stride 2, valid, even, 4 channels',
    x: [2, 8, 8, 4],
    filter: [3, 3, 4, 2],
    strides: 2,
    pad: 'valid',
  },
  {
    name: 'explicit pad, strides [1, 2], 8 channels',
    x: [2, 6, 9, 8],
    filter: [3, 3, 8, 3],
    strides: [1, 2],
    pad: [
      [0, 0],
      [2, 0],
      [1, 2],
      [0, 0],
    ],
  },
  {
    name: 'batch layout padded (K = 2^7)',
    x: [2, 8, 8, 4],
    filter: [3, 3, 4, 8],
    strides: 1,
    pad: 'same',
  },
  {
    name: 'row layout padded (K = 2^8)',
    x: [1, 16, 16, 2],
    filter: [3, 3, 2, 8],
    strides: 1,
    pad: 'same',
  },
];

export interface DepthwiseCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding;
  dilations: number;
}

/**
 * Depthwise shapes compared with TF.js's cpu kernels. Dilation is absent: TF.js's gradients never
 * request it and its cpu backprop kernels ignore it; see the dilation tests.
 */
export const depthwiseCases: DepthwiseCase[] = [
  {
    name: 'one channel, batch 1',
    x: [1, 5, 5, 1],
    filter: [3, 3, 1, 1],
    strides: 1,
    pad: 'same',
    dilations: 1,
  },
  {
    name: 'multiplier 2, valid, odd',
    x: [2, 7, 6, 3],
    filter: [3, 3, 3, 2],
    strides: 1,
    pad: 'valid',
    dilations: 1,
  },
  {
    name: 'stride 2, same',
    x: [3, 9, 8, 4],
    filter: [3, 3, 4, 1],
    strides: 2,
    pad: 'same',
    dilations: 1,
  },
  {
    name: 'stride 2, valid, even, multiplier 3',
    x: [2, 8, 8, 2],
    filter: [3, 3, 2, 3],
    strides: 2,
    pad: 'valid',
    dilations: 1,
  },
  {
    name: 'many channels',
    x: [2, 6, 6, 16],
    filter: [3, 3, 16, 1],
    strides: 1,
    pad: 'same',
    dilations: 1,
  },
  {
    name: 'explicit pad wider than the filter',
    x: [1, 5, 6, 2],
    filter: [3, 3, 2, 1],
    strides: 1,
    pad: [
      [0, 0],
      [3, 0],
      [0, 1],
      [0, 0],
    ],
    dilations: 1,
  },
];
