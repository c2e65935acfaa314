// Direct AVX2 convolutions for channel counts that are multiples of 16: no gather, the register
// tile reads the (zero-padded) input in place.
#pragma once

#include "conv.h"

namespace runge {

/** A zero-padded NHWC input: n × hp × wp × c. */
struct Padded {
  const float* data;
  int n, hp, wp, c;
};

/**
 * y[n, oy, ox, :] = act(bias + sum over taps and channels of xp[n, oy*sh + a, ox*sw + b, ci] ·
 * f[a, b, ci, :]) for output rows [r0, r1) of n*oh; co a multiple of 16; f packed by
 * pack_filter_strips; then the rest of the epilogue e (residual and mask laid out as y).
 */
void conv_direct_rows_avx2(const Padded& xp, int kh, int kw, int sh, int sw, int oh, int ow,
                           const float* packed, int co, const ConvEpilogue& e, float* y,
                           long r0, long r1);

/**
 * Adds to df[(a, b, ci), co] the sum over output rows [r0, r1) of xp[…] · dy[…, co]
 * (the filter gradient); co a multiple of 16.
 */
void conv_filter_grad_rows_avx2(const Padded& xp, int kh, int kw, int sh, int sw, int oh, int ow,
                                const float* dy, int co, float* df, long r0, long r1);

/** Whether conv_direct_rows_avx512 computes this forward: ci 16, 32 or 64; stride 1 or 2; ow ≥ 14. */
bool conv_direct_avx512_handles(int ci, int sw, int ow);

/** conv_direct_rows_avx2's 512-bit twin (the same contract). */
void conv_direct_rows_avx512(const Padded& xp, int kh, int kw, int sh, int sw, int oh, int ow,
                             const float* packed, int co, const ConvEpilogue& e, float* y,
                             long r0, long r1);

/** Whether conv_filter_grad_rows_avx512 computes this filter gradient: ci a multiple of 16. */
bool conv_filter_grad_avx512_handles(int ci);

/** conv_filter_grad_rows_avx2's 512-bit twin (the same contract). */
void conv_filter_grad_rows_avx512(const Padded& xp, int kh, int kw, int sh, int sw, int oh, int ow,
                                  const float* dy, int co, float* df, long r0, long r1);

}  // namespace runge
