// A user's TF.js layers model as the feature network φ of style transfer: model.json and its weight files read from a local folder with Node's file system, the outputs of chosen layers as φ's feature maps.
import type { FeatureExtractor } from '@runge/losses';
import { ConfigError, DataError, formatShape, ShapeError, StateError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { nodeFs } from '../node-fs.js';

type LayersLibrary = typeof tfl;
type Require = (id: string) => unknown;

/** Options of {@link loadFeatureModel}. */
export interface FeatureModelOptions {
  /** The layers whose outputs are the feature maps; default every convolution layer. */
  readonly layers?: readonly string[];
}

/** A loaded feature model: φ, the layers it reads, and its weights to free. */
export interface FeatureModel {
  /** φ: images `[B, H, W, 3]` ↦ the chosen layers' outputs `[B, H_l, W_l, C_l]`, in order. */
  readonly extractor: FeatureExtractor;
  /** The names of the layers φ reads, in order. */
  readonly layers: readonly string[];
  /** Frees the model's weights. */
  dispose(): void;
}

/**
 * `@tensorflow/tfjs-layers` by Node's `require`, the build that also registers TF.js's gradients
 * (it shares TF.js's global engine and registries with this package's `tfjs-core`).
 */
function layersLibrary(): LayersLibrary {
  const get = (
    globalThis as {
      process?: { getBuiltinModule?: (id: 'module') => typeof import('node:module') };
    }
  ).process?.getBuiltinModule;
  if (!get) {
    throw new StateError('a feature model is read from a folder, which needs Node');
  }
  return (get('module').createRequire(import.meta.url) as Require)(
    '@tensorflow/tfjs-layers',
  ) as LayersLibrary;
}

/**
 * The model's convolution layers: those whose class name contains `Conv` (`Conv2D`,
 * `DepthwiseConv2D`, `SeparableConv2D`, `Conv2DTranspose`).
 */
function convolutionLayers(model: tfl.LayersModel): string[] {
  return model.layers.filter((l) => l.getClassName().includes('Conv')).map((l) => l.name);
}

/** An IOHandler that reads `model.json` and its weight files from `dir`. */
function folderHandler(dir: string): tf.io.IOHandler {
  const { fs, path } = nodeFs('reading a feature model');
  const file = path.join(dir, 'model.json');
  return {
    async load() {
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (cause) {
        throw new DataError(
          `${file}: cannot read the feature model (${(cause as Error).message}); pass a folder holding a TF.js layers model's model.json and its weight files (as model.save writes them)`,
          { cause },
        );
      }
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(text) as tf.io.ModelJSON;
      } catch (cause) {
        throw new DataError(`${file}: not JSON (${(cause as Error).message})`, { cause });
      }
      if (typeof json.modelTopology !== 'object' || !Array.isArray(json.weightsManifest)) {
        throw new DataError(
          `${file}: expected a TF.js layers model (keys modelTopology and weightsManifest); a graph model or another JSON file cannot serve as φ`,
        );
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = await Promise.all(
          manifest.flatMap((group) =>
            group.paths.map(async (p) => {
              const bytes = await fs.readFile(path.join(dir, p)).catch((cause: Error) => {
                throw new DataError(
                  `${path.join(dir, p)}: cannot read the weight file that model.json lists (${cause.message})`,
                  { cause },
                );
              });
              return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
            }),
          ),
        );
        return [specs, tf.io.concatenateArrayBuffers(buffers as ArrayBuffer[])];
      });
    },
  };
}

/**
 * Loads a TF.js layers model from a local folder (`model.json` and the weight files its
 * `weightsManifest` lists, as `model.save` writes them) with Node's file system — no
 * `@tensorflow/tfjs-node` — and makes φ of it: `φ(x) = (a_{l₁}(x), …, a_{l_k}(x))`, the outputs of
 * the chosen layers `l₁ … l_k` (default: every convolution layer), each `[B, H_l, W_l, C_l]`.
 * Used as the feature network of style transfer (`stylize({ featureExtractor })`); φ is
 * differentiable in its input and its weights stay fixed.
 *
 * @param dir - The folder with `model.json`.
 * @param options - `layers`: the layer names (default every convolution layer).
 * @returns φ, the layers it reads and `dispose()` for the weights (the caller owns them).
 * @throws {@link @runge/tensor-ops!DataError} when `model.json` or a weight file is missing or unreadable.
 * @throws {@link @runge/tensor-ops!ConfigError} for an unknown layer name (the message lists the model's layers), or a model without convolution layers and no `layers`.
 * @throws {@link @runge/tensor-ops!ShapeError} when the model does not take RGB images `[H, W, 3]`, or a chosen layer's output is not a feature map.
 * @example
 * ```ts
 * const phi = await loadFeatureModel('models/vgg-tiny', { layers: ['block1_conv1', 'block2_conv1'] });
 * const result = await stylize({ content, style, featureExtractor: phi.extractor });
 * phi.dispose();
 * ```
 */
export async function loadFeatureModel(
  dir: string,
  options: FeatureModelOptions = {},
): Promise<FeatureModel> {
  const layers = layersLibrary();
  const model = await layers.loadLayersModel(folderHandler(dir));
  try {
    const input = model.inputs[0]?.shape ?? [];
    if (model.inputs.length !== 1 || input.length !== 4 || input[3] !== 3) {
      throw new ShapeError(
        `${dir}: the feature model takes ${model.inputs.map((i) => formatShape(i.shape)).join(', ')}; style transfer feeds RGB images [batch, H, W, 3], so give a model with one image input of 3 channels`,
      );
    }
    const names = model.layers.map((l) => l.name);
    const chosen = options.layers ?? convolutionLayers(model);
    if (chosen.length === 0) {
      throw new ConfigError(
        `${dir}: the feature model has no convolution layer; name the layers to read (--feature-layers), one of ${names.join(', ')}`,
      );
    }
    const outputs = chosen.map((name) => {
      if (!names.includes(name)) {
        throw new ConfigError(
          `${dir}: the feature model has no layer '${name}'; its layers are ${names.join(', ')}`,
        );
      }
      const output = model.getLayer(name).output as tfl.SymbolicTensor;
      if (output.shape.length !== 4) {
        throw new ShapeError(
          `${dir}: layer '${name}' outputs ${formatShape(output.shape)}, not a feature map [batch, H, W, C]; choose layers before the flatten`,
        );
      }
      return output;
    });
    const features = layers.model({ inputs: model.inputs, outputs });
    const [, height, width] = input;
    const extractor: FeatureExtractor = (images) => {
      const [, h, w] = images.shape;
      if ((height != null && height !== h) || (width != null && width !== w)) {
        throw new ShapeError(
          `${dir}: the feature model takes ${height}×${width} images, got ${h}×${w}; resize the pictures or use a model with free height and width`,
        );
      }
      const out = features.apply(images) as tf.Tensor | tf.Tensor[];
      return (Array.isArray(out) ? out : [out]) as tf.Tensor4D[];
    };
    return {
      extractor,
      layers: [...chosen],
      dispose: () => {
        model.dispose();
      },
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
