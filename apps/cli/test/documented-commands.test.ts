// Every runge command line shown in the README and the guides runs as written (training shortened to one small epoch) and exits 0.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, runDirOf, tempDir } from './cli.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A documented command line: where it is written, and its runge arguments. */
interface Documented {
  readonly where: string;
  readonly line: string;
  readonly args: string[];
}

/** Splits a shell line into words (no quoting is used on these pages). */
function words(line: string): string[] {
  return line.split(/\s+/).filter((w) => w !== '');
}

/** The runge command lines of the shell blocks of a Markdown file. */
function commandLines(file: string, text: string): Documented[] {
  const out: Documented[] = [];
  const blocks = text.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g);
  for (const block of blocks) {
    const joined = (block[1] as string).replace(/\\\n\s*/g, ' ');
    for (const raw of joined.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      // A synopsis's optional parts ([--samples 4]) are left out, its placeholders (<run
      // directory>) kept as one word that the short variant replaces.
      const parts = words(line.replace(/\[[^\]]*\]/g, '').replace(/<[^>]*>/g, '<placeholder>'));
      // `pnpm runge <command>` and `pnpm train` build first, then run the command itself.
      const args =
        parts[0] === 'runge'
          ? parts.slice(1)
          : parts[0] === 'pnpm' && parts[1] === 'runge'
            ? parts.slice(2)
            : parts[0] === 'pnpm' && parts[1] === 'train'
              ? ['train', ...parts.slice(2)]
              : null;
      if (args) out.push({ where: file, line, args });
    }
  }
  return out;
}

/** Sets (or adds) `--flag value`. */
function withOption(args: readonly string[], flag: string, value: string): string[] {
  const i = args.indexOf(flag);
  if (i < 0) return [...args, flag, value];
  const copy = [...args];
  copy[i + 1] = value;
  return copy;
}

/**
 * The command in a short variant that keeps its meaning: training for one epoch (as many as its
 * levels need) on a few examples, into a temporary folder, and analyses of a run directory (a
 * placeholder on the page) pointed at a run trained here.
 */
function shortVariant(args: string[], out: string, run: string): string[] {
  const [command] = args;
  let short = [...args];
  if (command === 'train') {
    const value = (flag: string): string | undefined =>
      short.includes(flag) ? short[short.indexOf(flag) + 1] : undefined;
    // one epoch per level: --multilevel L, or one per entry of --multilevel-epochs
    const perLevel = value('--multilevel-epochs')
      ?.split(',')
      .map(() => '1');
    if (perLevel) short = withOption(short, '--multilevel-epochs', perLevel.join(','));
    short = withOption(short, '--epochs', value('--multilevel') ?? String(perLevel?.length ?? 1));
    const synthetic = ['spirals', 'peaks', 'ellipses'].includes(value('--data') ?? '');
    if (synthetic) short = withOption(short, '--points', '200');
    else short = withOption(withOption(short, '--limit', '128'), '--test-limit', '64');
    short = withOption(short, '--out', out);
  }
  if (short.includes('--run')) short = withOption(short, '--run', run);
  if (command === 'landscape') short = withOption(withOption(short, '--grid', '5'), '--out', out);
  if (command === 'coarsen') short = withOption(short, '--out', out);
  if (command === 'stylize') {
    short = withOption(
      withOption(withOption(short, '--iterations', '2'), '--size', '16'),
      '--out',
      out,
    );
  }
  return short;
}

async function documented(): Promise<Documented[]> {
  const files = ['README.md', 'docs/index.md'];
  for (const name of await readdir(join(ROOT, 'docs/guide'))) {
    if (name.endsWith('.md')) files.push(`docs/guide/${name}`);
  }
  const all: Documented[] = [];
  for (const file of files)
    all.push(...commandLines(file, await readFile(join(ROOT, file), 'utf8')));
  return all;
}

describe('the command lines of the README and the guides', () => {
  it('each one runs as written (short variants) and exits 0', async () => {
    const lines = await documented();
    // the guides show training, and an analysis of each kind
    expect(lines.length).toBeGreaterThan(8);
    for (const command of ['train', 'stability', 'coarsen', 'landscape']) {
      expect(
        lines.some((l) => l.args[0] === command),
        command,
      ).toBe(true);
    }
    const out = await tempDir();
    // a small trained W1 run stands in for the run directories the pages name
    const base = await runCli([
      'train',
      '--epochs',
      '1',
      '--limit',
      '128',
      '--test-limit',
      '64',
      '--out',
      out,
      '--json',
    ]);
    expect(base.code, base.stderr).toBe(0);
    const run = runDirOf(base.stdout);
    for (const { where, line, args } of lines) {
      const result = await runCli(shortVariant(args, out, run), { timeoutMs: 300_000 });
      expect(result.code, `${where}: ${line}\n${result.stderr}`).toBe(0);
    }
  }, 1_800_000);
});
