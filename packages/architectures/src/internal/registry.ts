import { activationLayerType } from '../activation-layer.js';
import { batchNormLayerType } from '../batch-norm.js';
import { blackScholesLayerType } from '../black-scholes-layer.js';
import { convLayerType } from '../conv-layer.js';
import { denseLayerType } from '../dense-layer.js';
import { dropoutLayerType } from '../dropout.js';
import { flattenLayerType } from '../flatten-layer.js';
import { fractalLayerType } from '../fractal-block.js';
import { inputSelectionLayerType } from '../input-selection-layer.js';
import { odeLayerType } from '../ode-block.js';
import { globalPoolLayerType, poolLayerType } from '../pool-layer.js';
import { reshapeLayerType } from '../reshape-layer.js';
import { sequenceLayerType } from '../sequence-layer.js';
import { upsampleLayerType } from '../upsample-layer.js';
import type { LayerType } from './layer-type.js';

/** Every layer type a model config may name, by `type`. */
export const LAYER_REGISTRY: ReadonlyMap<string, LayerType> = new Map(
  [
    convLayerType,
    denseLayerType,
    poolLayerType,
    globalPoolLayerType,
    flattenLayerType,
    batchNormLayerType,
    dropoutLayerType,
    activationLayerType,
    odeLayerType,
    fractalLayerType,
    sequenceLayerType,
    inputSelectionLayerType,
    blackScholesLayerType,
    reshapeLayerType,
    upsampleLayerType,
  ].map((t) => [t.type, t]),
);
