// Node-only: reads a data file the user has, transparently gunzipping it.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DataError } from '@runge/tensor-ops';

const gunzipAsync = promisify(gunzip);

/** The bytes of a data file, decompressed when it was gzip-compressed. */
export interface DataFile {
  /** The path as given, for messages. */
  readonly path: string;
  /** The content (decompressed if `gzipped`). */
  readonly bytes: Uint8Array;
  /** Whether the file started with the gzip magic bytes `1f 8b`. */
  readonly gzipped: boolean;
}

/**
 * Reads `path`; if it starts with the gzip magic bytes `1f 8b` (whatever its extension), returns
 * the decompressed content.
 *
 * @param path - The file.
 * @param expected - What the file should be and where to get it, for the not-found message.
 * @throws {@link @runge/tensor-ops!DataError} when the file is missing, unreadable, a directory, or corrupt gzip.
 * @internal
 */
export async function readDataFile(path: string, expected: string): Promise<DataFile> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new DataError(
        `${path}: file not found (looked at ${resolve(path)}). Expected ${expected}`,
        {
          cause: error,
        },
      );
    }
    if (code === 'EISDIR') {
      throw new DataError(`${path}: is a directory; pass the file itself. Expected ${expected}`, {
        cause: error,
      });
    }
    throw new DataError(`${path}: cannot be read (${code ?? String(error)})`, { cause: error });
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      const bytes = await gunzipAsync(raw);
      return {
        path,
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
        gzipped: true,
      };
    } catch (error) {
      throw new DataError(
        `${path}: starts with the gzip magic bytes 1f 8b but does not decompress (${(error as Error).message}); the download is probably incomplete, fetch it again`,
        { cause: error },
      );
    }
  }
  return { path, bytes: new Uint8Array(raw.buffer, raw.byteOffset, raw.length), gzipped: false };
}

/**
 * "X bytes" or "X bytes after gunzip", for size messages.
 *
 * @internal
 */
export function describeLength(file: DataFile): string {
  return `${file.bytes.length} bytes${file.gzipped ? ' after gunzip' : ''}`;
}
