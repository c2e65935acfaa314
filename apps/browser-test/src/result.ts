// What the page publishes on `window.__rungeResult` once its checks have run.

/** The outcome of the page's checks, read by the browser test. */
export interface BrowserResult {
  /** The TF.js backend `initBackend({ backend: 'wasm' })` selected. */
  readonly backend: string;
  /** Whether the wasm build uses SIMD. */
  readonly simd: boolean | null;
  /** Relative error `‖g − g_fd‖ / ‖g_fd‖` of the conv gradient against central differences. */
  readonly gradError: number;
  /** Number of gradient entries compared. */
  readonly gradEntries: number;
  /** Accuracy of the trained ODE classifier on held-out spirals. */
  readonly accuracy: number;
  /** Training loss of the first and of the last epoch. */
  readonly firstLoss: number;
  readonly lastLoss: number;
  /** Epochs trained. */
  readonly epochs: number;
  /** `tf.memory().numTensors` after training minus before. */
  readonly leaked: number;
  /** Seconds the whole run took in the page. */
  readonly seconds: number;
}

/** Set on `window` when the page has finished: the result, or the error that stopped it. */
export type PageOutcome =
  | { readonly ok: true; readonly result: BrowserResult }
  | { readonly ok: false; readonly error: string };

/** The `window` property the page sets. */
export const RESULT_KEY = '__rungeResult';
