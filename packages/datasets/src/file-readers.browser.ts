// The file readers and the embedded MNIST in browsers: the same names as in Node, each failing with a message that says what to do instead.
import { DataError } from '@runge/tensor-ops';
import type * as cifar from './cifar10.js';
import type * as mnist from './embedded-mnist.js';
import type * as idx from './idx.js';

function nodeOnly(name: string): never {
  throw new DataError(
    `${name} reads files with Node's file system, which a browser does not have; fetch the bytes (or the images) yourself and build the dataset with createDataset`,
  );
}

/** In browsers: fails, see {@link createDataset}. In Node: reads CIFAR-10 binary batches. */
export const loadCifar10Batch: typeof cifar.loadCifar10Batch = () => nodeOnly('loadCifar10Batch');

/** In browsers: fails, see {@link createDataset}. In Node: the embedded MNIST digits. */
export const loadEmbeddedMnist: typeof mnist.loadEmbeddedMnist = () =>
  nodeOnly('loadEmbeddedMnist');

/** In browsers: fails, see {@link createDataset}. In Node: reads an IDX image/label pair. */
export const loadIdxDataset: typeof idx.loadIdxDataset = () => nodeOnly('loadIdxDataset');

/** In browsers: fails, see {@link createDataset}. In Node: reads an IDX image file. */
export const readIdxImages: typeof idx.readIdxImages = () => nodeOnly('readIdxImages');

/** In browsers: fails, see {@link createDataset}. In Node: reads an IDX label file. */
export const readIdxLabels: typeof idx.readIdxLabels = () => nodeOnly('readIdxLabels');
