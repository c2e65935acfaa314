// The 'native' TF.js backend: TF.js's cpu backend (its tensor storage and every kernel) with the
// hot kernels replaced by the compiled ones, which read and write its Float32Arrays in place.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';

/**
 * Disposed tensors' arrays are kept for reuse up to this many bytes, or up to
 * {@link WORKING_SET_MARGIN} times the most bytes the native kernels' outputs have held at once
 * when that is more (a training step's working set, which a step then reuses without allocating).
 * When a disposed array does not fit, arrays of the least recently used sizes make room for it.
 */
const POOL_BYTES = 256 * 1024 * 1024;
/** The pool's room over the largest working set seen (arrays of other sizes left over). */
const WORKING_SET_MARGIN = 1.25;

/** The arrays the pool recycles: float32 values and bool (mask) values. */
type Pooled = Float32Array | Uint8Array;

function isPooled(values: unknown): values is Pooled {
  return values instanceof Float32Array || values instanceof Uint8Array;
}

/**
 * A TF.js backend that stores tensors as the cpu backend does (JavaScript typed arrays) and runs
 * the kernels {@link registerNativeBackend} installs in compiled code on those arrays directly;
 * every other kernel is the cpu backend's own.
 *
 * @example
 * ```ts
 * registerNativeBackend({ threads: 2 });
 * await tf.setBackend('native');
 * (tf.backend() as NativeBackend).addon.info(); // { simd: 'avx2', threads: 2, … }
 * ```
 */
export class NativeBackend extends MathBackendCPU {
  /** The compiled kernels. */
  readonly addon: NativeAddon;
  /** Arrays this backend allocated that nothing outside its native kernels has seen. */
  private readonly owned = new WeakSet<Pooled>();
  /**
   * Arrays of disposed tensors for {@link NativeBackend.alloc} and {@link NativeBackend.allocBytes},
   * by key: the length of a Float32Array, minus the length of a Uint8Array.
   */
  private readonly pool = new Map<number, Pooled[]>();
  private pooledBytes = 0;
  /** Bytes of owned arrays held by live tensors, and the most they have been. */
  private liveBytes = 0;
  private peakLiveBytes = 0;
  /**
   * Relu masks kept beside kernel outputs (a residual convolution's, for its gradient), by the
   * output's data id; each goes back to the pool with the output's data.
   */
  private readonly masks = new Map<tf.DataId, Uint8Array>();

  /** @param addon - The loaded addon ({@link loadNativeAddon}). */
  constructor(addon: NativeAddon) {
    super();
    this.addon = addon;
    // The cpu backend advertises tfjs-node on its first write in Node; not relevant here.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** The float32 values of a tensor held by this backend, or null if it holds another kind. */
  floats(info: tf.TensorInfo): Float32Array | null {
    if (info.dtype !== 'float32') return null;
    const values = this.data.get(info.dataId)?.values;
    return values instanceof Float32Array ? values : null;
  }

  /**
   * A Float32Array of `length` for a kernel's output, recycled from a disposed tensor when one
   * of that length is pooled (its old values are garbage: native kernels write every element).
   * Reusing memory the process has already touched spares each element-wise kernel the page
   * faults of a fresh allocation, which cost more than the kernel.
   */
  alloc(length: number): Float32Array {
    return this.take(length, () => new Float32Array(length)) as Float32Array;
  }

  /**
   * A Uint8Array of `length` for a kernel's bool output (a mask), recycled like
   * {@link NativeBackend.alloc}'s arrays: a fresh one per call would also make V8 collect
   * garbage for the external memory it reports.
   */
  allocBytes(length: number): Uint8Array {
    return this.take(-length, () => new Uint8Array(length)) as Uint8Array;
  }

  /** A pooled array of `key` ({@link NativeBackend.pool}), or a fresh one from `make`. */
  private take(key: number, make: () => Pooled): Pooled {
    const list = this.pool.get(key);
    if (list !== undefined) this.touch(key, list);
    const recycled = list?.pop();
    const values = recycled ?? make();
    if (recycled !== undefined) this.pooledBytes -= recycled.byteLength;
    else this.owned.add(values);
    this.liveBytes += values.byteLength;
    this.peakLiveBytes = Math.max(this.peakLiveBytes, this.liveBytes);
    return values;
  }

  /** Stops tracking `values` as an owned array of a live tensor (it escaped or was freed). */
  private release(values: unknown): boolean {
    if (!isPooled(values) || !this.owned.delete(values)) return false;
    this.liveBytes -= values.byteLength;
    return true;
  }

  /**
   * Marks the arrays of `infos` as seen outside the native kernels (a cpu kernel may keep a
   * view of them, a reader may hold them), so they are never recycled.
   */
  escape(infos: readonly (tf.TensorInfo | undefined)[]): void {
    for (const info of infos) {
      if (info === undefined) continue;
      this.release(this.data.get(info.dataId)?.values);
    }
  }

  override readSync(dataId: tf.DataId): tf.BackendValues {
    this.release(this.data.get(dataId)?.values);
    return super.readSync(dataId);
  }

  override read(dataId: tf.DataId): Promise<tf.BackendValues> {
    this.release(this.data.get(dataId)?.values);
    return super.read(dataId);
  }

  /**
   * Keeps `mask` (from {@link NativeBackend.allocBytes}) beside the output `info` until that
   * output's data is freed: a gradient kernel finds it with {@link NativeBackend.maskOf}. Unlike
   * a second kernel output, it costs the tape nothing (TF.js gives every output the loss does not
   * depend on a zero-filled gradient of its own size).
   *
   * @example
   * ```ts
   * const mask = backend.allocBytes(out.length); // one byte per value of z, 1 where relu kept it
   * const z = backend.output(x.shape, out);
   * backend.keepMask(z, mask); // backend.maskOf(z) === mask until z is disposed
   * ```
   */
  keepMask(info: tf.TensorInfo, mask: Uint8Array): void {
    this.masks.set(info.dataId, mask);
  }

  /**
   * The mask {@link NativeBackend.keepMask} keeps beside `info`'s data (one byte per value of
   * `info`), or null if none.
   *
   * @example
   * ```ts
   * const mask = backend.maskOf(z); // Uint8Array of z.size, or null (linear, or withMask: false)
   * ```
   */
  maskOf(info: tf.TensorInfo): Uint8Array | null {
    return this.masks.get(info.dataId) ?? null;
  }

  override disposeData(dataId: tf.DataId, force?: boolean): boolean {
    const values = this.data.get(dataId)?.values;
    const freed = super.disposeData(dataId, force);
    if (freed && !this.data.has(dataId)) {
      this.recycle(values);
      const mask = this.masks.get(dataId);
      if (mask !== undefined) {
        this.masks.delete(dataId);
        this.recycle(mask);
      }
    }
    return freed;
  }

  /** Puts an owned array whose tensor is gone into the pool, if it has room. */
  private recycle(values: unknown): void {
    if (!this.release(values)) return;
    const array = values as Pooled;
    const key = array instanceof Float32Array ? array.length : -array.length;
    const cap = Math.max(POOL_BYTES, WORKING_SET_MARGIN * this.peakLiveBytes);
    if (this.pooledBytes + array.byteLength > cap) this.evict(cap - array.byteLength, key);
    if (this.pooledBytes + array.byteLength <= cap) {
      const list = this.pool.get(key) ?? [];
      list.push(array);
      this.touch(key, list);
      this.pooledBytes += array.byteLength;
      this.owned.add(array);
    }
  }

  /** Moves the arrays of `key` to the most recently used end of the pool's order. */
  private touch(key: number, list: Pooled[]): void {
    this.pool.delete(key);
    this.pool.set(key, list);
  }

  /**
   * Drops pooled arrays of the least recently used keys other than `keep` until the pool
   * holds at most `bytes`. When the sizes change (a validation pass at another batch size, the
   * next level of a multilevel schedule), arrays of the old sizes would otherwise fill the pool
   * and the new working set would be allocated afresh, page by page, at every step.
   */
  private evict(bytes: number, keep: number): void {
    for (const [key, list] of this.pool) {
      if (this.pooledBytes <= bytes) return;
      if (key === keep) continue;
      while (list.length > 0 && this.pooledBytes > bytes) {
        this.pooledBytes -= (list.pop() as Pooled).byteLength;
      }
      if (list.length === 0) this.pool.delete(key);
    }
  }

  override dispose(): void {
    this.pool.clear();
    this.masks.clear();
    this.pooledBytes = 0;
    this.liveBytes = 0;
    super.dispose();
  }

  /** A new bool tensor of `shape` over `values` (one byte each; owned by the tensor from now on). */
  outputBool(shape: readonly number[], values: Uint8Array): tf.TensorInfo {
    return this.makeTensorInfo([...shape], 'bool', values);
  }

  /** A new float32 tensor of `shape` over `values` (owned by the tensor from now on). */
  output(shape: readonly number[], values: Float32Array): tf.TensorInfo {
    return this.makeTensorInfo([...shape], 'float32', values);
  }
}
