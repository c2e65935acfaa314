// The machine's fp32 peak per core, measured by a loop of independent 256-bit fused
// multiply-adds (the native addon's, since JavaScript cannot issue them): the bar W2 is read against.

/** The measured peak of one core. */
export interface Peak {
  /** Best GFLOP/s over short bursts, by wall clock. */
  readonly gflops: number;
  /** Best GFLOP/s by process CPU time (insensitive to time the process spends descheduled). */
  readonly cpuGflops: number;
}

interface FmaAddon {
  fmaLoop(iterations: number): number;
  info(): { cpuHasAvx2Fma: boolean };
}

function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Runs the FMA loop in bursts of about 20 ms for `seconds` and keeps the best rates, or returns
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
  if (!addon.info().cpuHasAvx2Fma) return null;
  const iterations = 1_000_000; // 192 Mflop, ~2 ms at peak
  let best = 0;
  let bestCpu = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const w0 = performance.now();
    const c0 = cpuNow();
    for (let i = 0; i < 10; i++) addon.fmaLoop(iterations);
    const wall = performance.now() - w0;
    const cpu = cpuNow() - c0;
    const flops = 10 * iterations * 192;
    best = Math.max(best, flops / wall / 1e6);
    if (cpu > 0) bestCpu = Math.max(bestCpu, flops / cpu / 1e6);
  }
  return { gflops: Number(best.toPrecision(3)), cpuGflops: Number(bestCpu.toPrecision(3)) };
}
