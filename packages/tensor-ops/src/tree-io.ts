import * as tf from '@tensorflow/tfjs-core';
import { DataError, FileError, StateError, ValueError } from './errors.js';
import type { TensorTree } from './tree.js';
import { isTensor } from './validate.js';

/** A JSON value (what archive metadata may hold). */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * What a tree archive holds: named trees of tensors (parameters, optimiser states, model state)
 * and JSON metadata (a model config, epoch, RNG states, metric history). Training checkpoints
 * and saved models are tree archives.
 */
export interface TreeArchive {
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
 * Serialises a tree archive to bytes: a magic tag, a JSON header (metadata, tree structure, tensor
 * table, checksum) and the tensors' little-endian data. Reads tensor data synchronously.
 *
 * @param content - Trees and metadata.
 * @returns The encoded bytes.
 * @throws {@link ValueError} for unsupported dtypes or non-tensor leaves.
 * @example
 * ```ts
 * const bytes = encodeTrees({ trees: { params }, meta: { epoch: 3 } });
 * ```
 */
export function encodeTrees(content: TreeArchive): Uint8Array {
  const tensors: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const encodeTree = (node: unknown, path: string): JsonValue => {
    if (isTensor(node)) {
      if (!(SUPPORTED_DTYPES as readonly string[]).includes(node.dtype)) {
        throw new ValueError(
          `archive: tensor '${path}' has dtype '${node.dtype}'; supported: ${SUPPORTED_DTYPES.join(', ')}`,
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
          throw new ValueError(`archive: key '$tensor' at '${path}' is reserved`);
        out[key] = encodeTree(child, `${path}.${key}`);
      }
      return out;
    }
    throw new ValueError(`archive: '${path}' is ${typeof node}, expected a tensor, list or record`);
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
 * Decodes bytes written by {@link encodeTrees} into new tensors (the caller owns them).
 * Nothing is returned unless the whole archive is intact.
 *
 * @param bytes - The encoded archive.
 * @param source - A name for messages (usually the file path).
 * @returns The trees and metadata.
 * @throws {@link DataError} naming the source when the magic tag, header, length or checksum is wrong.
 * @example
 * ```ts
 * const { trees, meta } = decodeTrees(bytes, 'run/checkpoint.ckpt');
 * ```
 */
export function decodeTrees(bytes: Uint8Array, source = 'archive'): TreeArchive {
  const fail = (what: string): never => {
    throw new DataError(`${source}: ${what}; the file is damaged or was not written by Runge`);
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

/**
 * Node's file system, through `process.getBuiltinModule` rather than an import, so that browser
 * bundles of this package hold no Node module.
 */
function nodeFs(caller: string): { fs: Fs; path: typeof import('node:path') } {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  if (!get) {
    throw new StateError(
      `${caller}: reading and writing files needs Node's file system, which this environment (a browser?) lacks; use encodeTrees and decodeTrees to turn the archive into bytes and back, and store them yourself (a download, IndexedDB)`,
    );
  }
  return { fs: get('fs/promises') as Fs, path: get('path') as typeof import('node:path') };
}

/**
 * Writes a tree archive atomically: the bytes go to a temporary file in the same directory,
 * are flushed to disk, and the file is renamed over `file`. A crash at any moment leaves either
 * the previous file or the new one, never a partial file. Node only.
 *
 * @param file - Destination path (its directory is created if missing).
 * @param content - Trees and metadata.
 * @returns The number of bytes written.
 * @throws {@link StateError} outside Node (no file system; use {@link encodeTrees} there).
 * @throws {@link FileError} naming the file when it cannot be written (a full disk, permissions);
 *   no temporary file is left behind.
 * @example
 * ```ts
 * await saveTrees('runs/mnist/checkpoint.ckpt', { trees: { params }, meta: { epoch } });
 * ```
 */
export async function saveTrees(file: string, content: TreeArchive): Promise<number> {
  const bytes = encodeTrees(content);
  const { fs, path } = nodeFs('saveTrees');
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
  } catch (e) {
    throw FileError.from(e, path.dirname(file), 'cannot create the folder');
  }
  const temp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (e) {
    // Leave no partial file behind (on a full disk it would keep the disk full).
    await fs.rm(temp, { force: true }).catch(() => {});
    throw FileError.from(e, file, 'cannot write');
  }
  return bytes.length;
}

/**
 * Reads an archive file written by {@link saveTrees}. Node only.
 *
 * @param file - The checkpoint path.
 * @returns New tensors (owned by the caller) and the metadata.
 * @throws {@link DataError} when the file is missing (saying so) or damaged.
 * @throws {@link StateError} outside Node (no file system; use {@link decodeTrees} there).
 * @example
 * ```ts
 * const { trees, meta } = await loadTrees('runs/mnist/checkpoint.ckpt');
 * ```
 */
export async function loadTrees(file: string): Promise<TreeArchive> {
  const { fs } = nodeFs('loadTrees');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(file));
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new DataError(
      code === 'ENOENT'
        ? `${file}: no such file; check the path (a run directory holds checkpoint.ckpt after its first epoch)`
        : `${file}: cannot read (${code ?? String(e)})`,
      { cause: e },
    );
  }
  return decodeTrees(bytes, file);
}
