import { DataError, isTensor, type TensorTree, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/** A JSON value (what checkpoint metadata may hold). */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * What a checkpoint holds: named trees of tensors (parameters, optimiser states, model state)
 * and JSON metadata (epoch, step, RNG states, config, metric history).
 */
export interface CheckpointContent {
  /** Named tensor trees, e.g. `{ params, state, 'optimizer.model': … }`. */
  readonly trees: Readonly<Record<string, TensorTree>>;
  /** Anything JSON-serialisable. */
  readonly meta: JsonValue;
}

const MAGIC = 'RUNGECK1';
const HEADER_OFFSET = MAGIC.length + 4;
const SUPPORTED_DTYPES = ['float32', 'int32', 'bool'] as const;
type StoredDtype = (typeof SUPPORTED_DTYPES)[number];

interface TensorEntry {
  readonly dtype: StoredDtype;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly byteLength: number;
}

interface Header {
  readonly version: 1;
  readonly meta: JsonValue;
  readonly structure: Record<string, JsonValue>;
  readonly tensors: readonly TensorEntry[];
  readonly dataBytes: number;
  readonly checksum: number;
}

/** FNV-1a over the data section: cheap corruption detection, not a cryptographic hash. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * Serialises a checkpoint to bytes: a magic tag, a JSON header (metadata, tree structure, tensor
 * table, checksum) and the tensors' little-endian data. Reads tensor data synchronously.
 *
 * @param content - Trees and metadata.
 * @returns The encoded bytes.
 * @throws {@link ValueError} for unsupported dtypes or non-tensor leaves.
 * @example
 * ```ts
 * const bytes = encodeCheckpoint({ trees: { params }, meta: { epoch: 3 } });
 * ```
 */
export function encodeCheckpoint(content: CheckpointContent): Uint8Array {
  const tensors: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const encodeTree = (node: unknown, path: string): JsonValue => {
    if (isTensor(node)) {
      if (!(SUPPORTED_DTYPES as readonly string[]).includes(node.dtype)) {
        throw new ValueError(
          `checkpoint: tensor '${path}' has dtype '${node.dtype}'; supported: ${SUPPORTED_DTYPES.join(', ')}`,
        );
      }
      const data = node.dataSync();
      const bytes =
        node.dtype === 'bool'
          ? Uint8Array.from(data as ArrayLike<number>)
          : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const index = tensors.length;
      tensors.push({
        dtype: node.dtype as StoredDtype,
        shape: [...node.shape],
        offset,
        byteLength: bytes.byteLength,
      });
      chunks.push(bytes);
      offset += align8(bytes.byteLength);
      return { $tensor: index };
    }
    if (Array.isArray(node)) return node.map((child, i) => encodeTree(child, `${path}.${i}`));
    if (typeof node === 'object' && node !== null) {
      const out: Record<string, JsonValue> = {};
      for (const [key, child] of Object.entries(node)) {
        if (key === '$tensor')
          throw new ValueError(`checkpoint: key '$tensor' at '${path}' is reserved`);
        out[key] = encodeTree(child, `${path}.${key}`);
      }
      return out;
    }
    throw new ValueError(
      `checkpoint: '${path}' is ${typeof node}, expected a tensor, list or record`,
    );
  };
  const structure: Record<string, JsonValue> = {};
  for (const [name, tree] of Object.entries(content.trees))
    structure[name] = encodeTree(tree, name);
  const data = new Uint8Array(offset);
  chunks.forEach((chunk, i) => {
    data.set(chunk, (tensors[i] as TensorEntry).offset);
  });
  const header: Header = {
    version: 1,
    meta: content.meta,
    structure,
    tensors,
    dataBytes: offset,
    checksum: fnv1a(data),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(align8(HEADER_OFFSET + headerBytes.length) + data.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  out.set(headerBytes, HEADER_OFFSET);
  out.set(data, align8(HEADER_OFFSET + headerBytes.length));
  return out;
}

/**
 * Decodes bytes written by {@link encodeCheckpoint} into new tensors (the caller owns them).
 * Nothing is returned unless the whole checkpoint is intact.
 *
 * @param bytes - The encoded checkpoint.
 * @param source - A name for messages (usually the file path).
 * @returns The trees and metadata.
 * @throws {@link DataError} naming the source when the magic tag, header, length or checksum is wrong.
 * @example
 * ```ts
 * const { trees, meta } = decodeCheckpoint(bytes, 'run/checkpoint.ckpt');
 * ```
 */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): CheckpointContent {
  const fail = (what: string): never => {
    throw new DataError(`${source}: ${what}; the checkpoint is damaged or not a Runge checkpoint`);
  };
  if (
    bytes.length < HEADER_OFFSET ||
    new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC
  ) {
    fail(`does not start with '${MAGIC}'`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  if (HEADER_OFFSET + headerLength > bytes.length)
    fail(`header of ${headerLength} bytes runs past the end (${bytes.length} bytes)`);
  let header: Header;
  try {
    header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(HEADER_OFFSET, HEADER_OFFSET + headerLength)),
    ) as Header;
  } catch {
    return fail('header is not valid JSON');
  }
  if (header.version !== 1) fail(`version ${String(header.version)} is not supported (expected 1)`);
  const dataStart = align8(HEADER_OFFSET + headerLength);
  if (bytes.length - dataStart !== header.dataBytes) {
    fail(
      `holds ${bytes.length - dataStart} data bytes, the header says ${header.dataBytes} (truncated?)`,
    );
  }
  const data = bytes.slice(dataStart);
  if (fnv1a(data) !== header.checksum) fail('data checksum mismatch');
  const created: tf.Tensor[] = [];
  const decodeTree = (node: JsonValue): TensorTree => {
    if (Array.isArray(node)) return node.map(decodeTree);
    if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, JsonValue>;
      if (typeof record.$tensor === 'number') {
        const entry = header.tensors[record.$tensor];
        if (!entry) return fail(`tensor #${record.$tensor} is missing from the table`);
        const chunk = data.buffer.slice(
          data.byteOffset + entry.offset,
          data.byteOffset + entry.offset + entry.byteLength,
        );
        const values =
          entry.dtype === 'float32'
            ? new Float32Array(chunk)
            : entry.dtype === 'int32'
              ? new Int32Array(chunk)
              : new Uint8Array(chunk);
        const t = tf.tensor(values, [...entry.shape], entry.dtype);
        created.push(t);
        return t;
      }
      const out: Record<string, TensorTree> = {};
      for (const [key, child] of Object.entries(record)) out[key] = decodeTree(child);
      return out;
    }
    return fail('tree structure is malformed');
  };
  try {
    const trees: Record<string, TensorTree> = {};
    for (const [name, node] of Object.entries(header.structure)) trees[name] = decodeTree(node);
    return { trees, meta: header.meta };
  } catch (e) {
    tf.dispose(created);
    throw e;
  }
}

type Fs = typeof import('node:fs/promises');

async function nodeFs(): Promise<{ fs: Fs; path: typeof import('node:path') }> {
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  return { fs, path };
}

/**
 * Writes a checkpoint file atomically: the bytes go to a temporary file in the same directory,
 * are flushed to disk, and the file is renamed over `file`. A crash at any moment leaves either
 * the previous checkpoint or the new one, never a partial file. Node only.
 *
 * @param file - Destination path (its directory is created if missing).
 * @param content - Trees and metadata.
 * @returns The number of bytes written.
 * @example
 * ```ts
 * await saveCheckpoint('runs/mnist/checkpoint.ckpt', { trees: { params }, meta: { epoch } });
 * ```
 */
export async function saveCheckpoint(file: string, content: CheckpointContent): Promise<number> {
  const bytes = encodeCheckpoint(content);
  const { fs, path } = await nodeFs();
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
  return bytes.length;
}

/**
 * Reads a checkpoint file written by {@link saveCheckpoint}. Node only.
 *
 * @param file - The checkpoint path.
 * @returns New tensors (owned by the caller) and the metadata.
 * @throws {@link DataError} when the file is missing (saying so) or damaged.
 * @example
 * ```ts
 * const { trees, meta } = await loadCheckpoint('runs/mnist/checkpoint.ckpt');
 * ```
 */
export async function loadCheckpoint(file: string): Promise<CheckpointContent> {
  const { fs } = await nodeFs();
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(file));
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new DataError(
      code === 'ENOENT'
        ? `${file}: no checkpoint there; train first or check the run directory`
        : `${file}: cannot read (${code ?? String(e)})`,
      { cause: e },
    );
  }
  return decodeCheckpoint(bytes, file);
}
