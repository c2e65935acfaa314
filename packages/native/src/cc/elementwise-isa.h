// The per-range loops behind the element-wise, reduction and pooling kernels, compiled once for
// each instruction set (baseline, AVX2/FMA, AVX-512) and chosen at run time by the CPU check.
#pragma once

#include "elementwise.h"

namespace runge {

/**
 * One instruction set's loops. Each works on a range of a larger job (elements [s, e) or rows
 * [r0, r1)), so the thread pool can split the job; the ranges of repeating operands start at a
 * multiple of the repeat.
 */
struct ElementwiseLoops {
  /**
   * out[i] = a[i] op b[(i / inner) % nb] for i in [s, e) where na = n (or the same with the
   * operands' roles swapped); see binary() in elementwise.h.
   */
  void (*binary)(int op, const float* a, long na, const float* b, long nb, long inner, float* out,
                 long n, long s, long e);
  /** out[i] = x[i] > 0 ? x[i] : 0 (NaN kept) for i in [s, e). */
  void (*relu)(const float* x, float* out, long s, long e);
  /** out[i] = x[i] > 0 ? 1 : alpha (NaN kept) for i in [s, e). */
  void (*step)(const float* x, float* out, long s, long e, float alpha);
  /** out[i] = dy[i] · (x[i] > 0 ? 1 : 0), NaN in x kept: relu's gradient in one pass. */
  void (*relu_grad)(const float* dy, const float* x, float* out, long s, long e);
  /**
   * For rows r in [r0, r1) of `inner` values: g[r*inner + j] = dz[…] · mask[…] and
   * acc[j] += g[r*inner + j] (relu's mask and the bias gradient in one pass).
   */
  void (*masked_rows)(const float* dz, const unsigned char* mask, long r0, long r1, long inner,
                      float* g, float* acc);
  /** acc[j] += sum over rows r in [r0, r1) of x[r*inner + j], j in [0, inner). */
  void (*add_rows)(const float* x, long r0, long r1, long inner, float* acc);
  /** out[r] = sum_j x[r*inner + j] for rows r in [r0, r1). */
  void (*row_sums)(const float* x, long r0, long r1, long inner, float* out);
  /** Average pool of output rows [r0, r1) of n·oh. */
  void (*avg_pool_rows)(const PoolGeometry& g, const float* x, float* y, long r0, long r1);
  /** Average pool gradient of input rows [r0, r1) of n·h. */
  void (*avg_pool_grad_rows)(const PoolGeometry& g, const float* dy, float* dx, long r0, long r1);
};

/** The loops compiled for the addon's baseline (SSE2 on x86-64). */
const ElementwiseLoops& elementwise_loops_baseline();
/** The loops compiled for AVX2 and FMA; call only when cpu_has_avx2_fma(). */
const ElementwiseLoops& elementwise_loops_avx2();
/** The loops compiled for AVX-512F; call only when cpu_has_avx512(). */
const ElementwiseLoops& elementwise_loops_avx512();

}  // namespace runge
