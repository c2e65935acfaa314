import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '@runge/tensor-ops';
import { describe, expect, it } from 'vitest';
import * as browser from './index.browser.js';
import * as node from './index.js';

const NODE_ONLY = [
  'loadCifar10Batch',
  'loadEmbeddedMnist',
  'loadIdxDataset',
  'readIdxImages',
  'readIdxLabels',
];

/** Every module reachable from `entry` through relative imports, with its import specifiers. */
function moduleGraph(entry: string): Map<string, string[]> {
  const srcDir = dirname(fileURLToPath(import.meta.url));
  const graph = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (graph.has(file)) return;
    const text = readFileSync(join(srcDir, file), 'utf8');
    // Type-only imports are erased from the built JavaScript.
    const runtime = text
      .replace(/^import type[^;]*;$/gms, '')
      .replace(/^export type[^;]*;$/gms, '');
    const specifiers = [...runtime.matchAll(/from '([^']+)'/g)].map((m) => m[1] as string);
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('./')) visit(s.slice(2).replace(/\.js$/, '.ts'));
  };
  visit(entry);
  return graph;
}

describe('entry points', () => {
  it('the browser entry exports the same names; the file readers there fail with a DataError saying what to do', async () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
    for (const name of NODE_ONLY) {
      const reader = (browser as unknown as Record<string, () => unknown>)[name] as () => unknown;
      expect(reader).not.toBe((node as unknown as Record<string, unknown>)[name]);
      expect(reader).toThrow(DataError);
      expect(reader).toThrow(/Node's file system.*build the dataset with createDataset/);
    }
  });

  it('nothing reachable from the browser entry imports a Node built-in', () => {
    const graph = moduleGraph('index.browser.ts');
    expect(graph.size).toBeGreaterThan(10);
    for (const [file, specifiers] of graph) {
      for (const s of specifiers) {
        expect(s.startsWith('node:'), `${file} imports ${s}`).toBe(false);
      }
    }
    expect([...moduleGraph('index.ts').values()].flat()).toContain('node:fs/promises');
  });
});
