// Loads the compiled kernels (build/Release/runge_native.node), or says why they are unavailable.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The functions of the compiled addon. Every array is read or written in place (no copies); the
 * sizes travel as an `Int32Array`.
 *
 * @example
 * ```ts
 * const status = loadNativeAddon();
 * if (status.ok) {
 *   // C[2×2] = A[2×3] · B[3×2]
 *   const c = new Float32Array(4);
 *   status.addon.matMul(a, b, c, Int32Array.from([1, 1, 2, 2, 3, 0, 0]));
 * }
 * ```
 */
export interface NativeAddon {
  /** `out = act(conv2d(x, filter) + bias)`; sizes `[n,h,w,ci,kh,kw,co,sh,sw,padTop,padLeft,oh,ow]`, act 0 linear, 1 relu. */
  conv2d(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    sizes: Int32Array,
    activation: number,
  ): void;
  /**
   * A residual block in one pass over the output: `out = x + act(conv2d(x, filter) + bias)`, and
   * `mask[i] = 1` where relu kept its input (`conv + bias > 0` or NaN), else 0 (act 1 only; `mask`
   * may be null). Stride 1, 'same' padding, `ci = co` (sizes as {@link NativeAddon.conv2d}).
   */
  residualConv2d?(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    mask: Uint8Array | null,
    sizes: Int32Array,
    activation: number,
  ): void;
  /**
   * The gradient of {@link NativeAddon.residualConv2d} for the output gradient `dz`: with
   * `g = dz · mask` (written to `g`; `g = dz` when `mask` is null), `dbias = Σ g`,
   * `dx = dz + convᵀ(g)` and `dfilter` the filter gradient of `x` and `g`.
   */
  residualConv2dGrad?(
    dz: Float32Array,
    mask: Uint8Array | null,
    x: Float32Array,
    filter: Float32Array,
    g: Float32Array | null,
    dx: Float32Array,
    dfilter: Float32Array,
    dbias: Float32Array,
    sizes: Int32Array,
  ): void;
  /** The convolution's input gradient `dx` for `dy` (sizes as {@link NativeAddon.conv2d}). */
  conv2dBackpropInput(
    dy: Float32Array,
    filter: Float32Array,
    dx: Float32Array,
    sizes: Int32Array,
  ): void;
  /** The convolution's filter gradient for input `x` and `dy` (sizes as {@link NativeAddon.conv2d}). */
  conv2dBackpropFilter(
    x: Float32Array,
    dy: Float32Array,
    dfilter: Float32Array,
    sizes: Int32Array,
  ): void;
  /** Batched `out = op(a) op(b)`; sizes `[batchA, batchB, M, N, K, transposeA, transposeB]`. */
  matMul(a: Float32Array, b: Float32Array, out: Float32Array, sizes: Int32Array): void;
  /**
   * `out[i] = a[i] op b[⌊i / inner⌋ mod b.length]` when `a` fills `out` (or the roles swapped
   * when `b` does): the smaller operand repeats (`inner` 1, the default: a bias, a scalar) and
   * each of its values spans `inner` consecutive outputs (a column); op 0 add, 1 sub, 2 mul,
   * 3 div.
   */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, inner?: number): void;
  /** op 0 relu, 1 step (`x > 0 ? 1 : alpha`). */
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number): void;
  /**
   * Relu's gradient in one pass: `out[i] = dy[i] · (x[i] > 0 ? 1 : 0)`, a NaN in `x` giving NaN
   * (the same values as `dy · step(x)`); all three of one length.
   */
  reluGrad(dy: Float32Array, x: Float32Array, out: Float32Array): void;
  /** Sum of an `outer × inner` array over its leading (`leading`) or trailing axis. */
  sum(x: Float32Array, out: Float32Array, outer: number, inner: number, leading: boolean): void;
  /** Average pool; sizes `[n,h,w,c,fh,fw,sh,sw,padTop,padLeft,oh,ow]`. */
  avgPool(x: Float32Array, out: Float32Array, sizes: Int32Array): void;
  /** Average pool gradient (sizes as {@link NativeAddon.avgPool}). */
  avgPoolGrad(dy: Float32Array, dx: Float32Array, sizes: Int32Array): void;
  /** Sets the thread pool's size (the calling thread counts as one). */
  setThreads(threads: number): void;
  /**
   * Sets how long (µs, 0–10⁶) idle pool threads poll for the next call before they sleep (the
   * caller polls as long for the workers' end); returns the setting. Absent from older builds.
   */
  setSpin?(microseconds: number): number;
  /** Selects the AVX2/FMA microkernel (`true`, when the CPU has it) or the scalar one; returns the one in use. */
  setSimd(avx2: boolean): 'avx2' | 'scalar';
  /**
   * Lets the convolutions use their AVX-512 tiles (when `on`, the CPU has AVX-512F and the AVX2
   * microkernel is selected); returns whether they do.
   */
  setAvx512(on: boolean): boolean;
  /**
   * Runs `iterations` × 192 fp32 flops of independent 256-bit fused multiply-adds on the calling
   * thread (the loop that measures the CPU's peak); throws without AVX2/FMA.
   */
  fmaLoop(iterations: number): number;
  /** The same with 512-bit fused multiply-adds (`iterations` × 384 flops); throws without AVX-512F. */
  fmaLoop512(iterations: number): number;
  /**
   * The microkernel in use, the pool's size, whether the CPU has AVX2 and FMA, whether the
   * convolutions use their AVX-512 tiles, whether the CPU has AVX-512F, and the instruction set
   * of the element-wise, reduction and pooling loops (AVX-512 with the 512-bit tiles, AVX2/FMA
   * with the AVX2 microkernel, else the baseline build).
   */
  info(): {
    simd: 'avx2' | 'scalar';
    threads: number;
    cpuHasAvx2Fma: boolean;
    avx512: boolean;
    cpuHasAvx512: boolean;
    elementwise: 'avx512' | 'avx2' | 'baseline';
  };
}

/**
 * What {@link loadNativeAddon} found.
 *
 * @example
 * ```ts
 * const status: NativeAddonStatus = loadNativeAddon();
 * console.log(status.ok ? status.addon.info() : status.reason);
 * ```
 */
export type NativeAddonStatus =
  | { readonly ok: true; readonly addon: NativeAddon; readonly path: string }
  | { readonly ok: false; readonly reason: string; readonly path: string };

/**
 * The command that builds the addon, for messages.
 *
 * @example
 * ```ts
 * console.log(`build the kernels with ${NATIVE_BUILD_COMMAND}`);
 * ```
 */
export const NATIVE_BUILD_COMMAND = 'pnpm --filter @runge/native build:native';

/**
 * The environment variable naming another compiled addon file to load instead of the one this
 * package builds (a path to a `.node` file).
 *
 * @example
 * ```ts
 * process.env[NATIVE_ADDON_ENV] = '/opt/runge/runge_native.node';
 * ```
 */
export const NATIVE_ADDON_ENV = 'RUNGE_NATIVE_ADDON';

const cache = new Map<string, NativeAddonStatus>();

/**
 * The addon file this package builds (`build/Release/runge_native.node` in the package).
 *
 * @returns Its absolute path.
 * @example
 * ```ts
 * existsSync(defaultAddonPath()); // true once built
 * ```
 */
export function defaultAddonPath(): string {
  return join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    'build',
    'Release',
    'runge_native.node',
  );
}

/**
 * Loads the compiled kernels: from `path`, else from the file `RUNGE_NATIVE_ADDON` names, else
 * from this package's `build/Release/runge_native.node`. Never throws: when the file is missing,
 * fails to load or the CPU lacks what it needs, the status says why and how to build it.
 *
 * @param path - Optional path of the `.node` file.
 * @returns `{ ok: true, addon }` or `{ ok: false, reason }`.
 * @example
 * ```ts
 * const status = loadNativeAddon();
 * if (!status.ok) console.warn(status.reason);
 * ```
 */
export function loadNativeAddon(path?: string): NativeAddonStatus {
  const file = path ?? process.env[NATIVE_ADDON_ENV] ?? defaultAddonPath();
  const known = cache.get(file);
  if (known !== undefined) return known;
  let status: NativeAddonStatus;
  if (!existsSync(file)) {
    status = {
      ok: false,
      path: file,
      reason: `the native kernels are not built (${file} does not exist); build them with \`${NATIVE_BUILD_COMMAND}\` (needs g++ or clang, make and python3; a failed build at install is skipped silently)`,
    };
  } else {
    try {
      const addon = createRequire(import.meta.url)(file) as NativeAddon;
      status = { ok: true, addon, path: file };
    } catch (error) {
      const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
      status = {
        ok: false,
        path: file,
        reason: `the native kernels at ${file} failed to load (${why}); rebuild them with \`${NATIVE_BUILD_COMMAND}\``,
      };
    }
  }
  cache.set(file, status);
  return status;
}
