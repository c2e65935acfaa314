// Timing for the benchmarks: medians of wall-clock and process CPU time, with warm-up, over a
// minimum duration. The machines these run on are shared and noisy, so comparisons are made
// between operations timed in the same run, interleaved round by round.

/** Median timings of one operation. */
export interface Timing {
  /** Median wall-clock time of one run, in milliseconds. */
  readonly ms: number;
  /** Median process CPU time (user + system, all threads) of one run, in milliseconds. */
  readonly cpuMs: number;
  /** Timed runs (after warm-up). */
  readonly runs: number;
}

/** How long and how often to time. */
export interface TimingOptions {
  /** Untimed runs first (compilation, caches, operator set-up). */
  readonly warmup: number;
  /** Keep timing for at least this many seconds... */
  readonly seconds: number;
  /** ...and for at least this many runs (rounds when interleaved). */
  readonly minRuns: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Times several operations round-robin (one run of each per round) so that drifting machine
 * load affects them alike; their ratios are then meaningful even when absolute times are not.
 *
 * @param runs - Named operations; each must finish its work synchronously (read its result).
 * @param options - Warm-up rounds, minimum seconds and rounds.
 * @returns The median timing of each operation.
 */
export function timeInterleaved<K extends string>(
  runs: Readonly<Record<K, () => void>>,
  options: TimingOptions,
): Record<K, Timing> {
  const names = Object.keys(runs) as K[];
  for (let i = 0; i < options.warmup; i++) for (const name of names) runs[name]();
  const wall = new Map<K, number[]>(names.map((n) => [n, []]));
  const cpu = new Map<K, number[]>(names.map((n) => [n, []]));
  const start = performance.now();
  let rounds = 0;
  while (rounds < options.minRuns || performance.now() - start < options.seconds * 1000) {
    for (const name of names) {
      const w0 = performance.now();
      const c0 = cpuNow();
      runs[name]();
      cpu.get(name)?.push(cpuNow() - c0);
      wall.get(name)?.push(performance.now() - w0);
    }
    rounds++;
  }
  const result = {} as Record<K, Timing>;
  for (const name of names) {
    result[name] = {
      ms: median(wall.get(name) ?? []),
      cpuMs: median(cpu.get(name) ?? []),
      runs: rounds,
    };
  }
  return result;
}

/** {@link timeInterleaved} for a single operation. */
export function timeRepeated(run: () => void, options: TimingOptions): Timing {
  return timeInterleaved({ run }, options).run;
}

/** Rounds to 3 significant digits for printing. */
export function round3(x: number): number {
  return Number(x.toPrecision(3));
}
