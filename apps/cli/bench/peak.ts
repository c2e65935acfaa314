// The machine's fp32 peak per core, measured by loops of independent 256-bit (and, where the CPU
// has AVX-512F, 512-bit) fused multiply-adds (the native addon's, since JavaScript cannot issue
// them): the bar W2 is read against.

/** The measured peak of one core. */
export interface Peak {
  /** Best GFLOP/s over short bursts, by wall clock. */
  readonly gflops: number;
  /** Best GFLOP/s by process CPU time (insensitive to time the process spends descheduled). */
  readonly cpuGflops: number;
  /** The same two with 512-bit fused multiply-adds, or null without AVX-512F. */
  readonly avx512: { readonly gflops: number; readonly cpuGflops: number } | null;
  /** Whether the native convolutions use their 512-bit tiles (their bar is then the 512-bit peak). */
  readonly nativeConvAvx512: boolean;
}

interface FmaAddon {
  fmaLoop(iterations: number): number;
  fmaLoop512(iterations: number): number;
  info(): { cpuHasAvx2Fma: boolean; cpuHasAvx512: boolean; avx512: boolean };
}

function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Runs the FMA loops in bursts of about 20 ms for `seconds` and keeps the best rates, or returns
 * null when `@runge/native` is not built or the CPU lacks AVX2/FMA.
 *
 * @param seconds - Total time to spend.
 * @returns The peak, or null.
 */
export async function measurePeak(seconds = 1): Promise<Peak | null> {
  let addon: FmaAddon;
  try {
    const native = (await import('@runge/native')) as {
      loadNativeAddon(): { ok: boolean; addon?: FmaAddon };
    };
    const status = native.loadNativeAddon();
    if (!status.ok || status.addon === undefined) return null;
    addon = status.addon;
  } catch {
    return null;
  }
  const info = addon.info();
  if (!info.cpuHasAvx2Fma) return null;
  const wide = info.cpuHasAvx512 ? best((n) => addon.fmaLoop512(n), 384, seconds / 2) : null;
  return {
    ...best((n) => addon.fmaLoop(n), 192, wide === null ? seconds : seconds / 2),
    avx512: wide,
    nativeConvAvx512: info.avx512,
  };
}

/** The best rates of `loop` (`flopsPerIteration` each) over bursts of about 20 ms for `seconds`. */
function best(
  loop: (iterations: number) => number,
  flopsPerIteration: number,
  seconds: number,
): { gflops: number; cpuGflops: number } {
  const iterations = Math.round(192_000_000 / flopsPerIteration); // ~2 ms at peak
  let top = 0;
  let topCpu = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const w0 = performance.now();
    const c0 = cpuNow();
    for (let i = 0; i < 10; i++) loop(iterations);
    const wall = performance.now() - w0;
    const cpu = cpuNow() - c0;
    const flops = 10 * iterations * flopsPerIteration;
    top = Math.max(top, flops / wall / 1e6);
    if (cpu > 0) topCpu = Math.max(topCpu, flops / cpu / 1e6);
  }
  return { gflops: Number(top.toPrecision(3)), cpuGflops: Number(topCpu.toPrecision(3)) };
}
