// AVX2/FMA register tiles of the direct convolutions: 6 output pixels × 16 output channels in 12
// ymm accumulators (forward), and 6 filter rows × 16 output channels over many pixels (filter
// gradient). Only this file (and the matrix-product tile) is compiled for AVX2; both run only
// after a runtime check of the CPU.
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC target("avx2,fma")
#include <immintrin.h>
#endif

#include <algorithm>

#include "conv-direct.h"

namespace runge {

#if defined(__x86_64__) || defined(__i386__)

void conv_direct_rows_avx2(const Padded& xp, int kh, int kw, int sh, int sw, int oh, int ow,
                           const float* packed, int co, const ConvEpilogue& e, float* y,
                           long r0, long r1) {
  const int ci = xp.c;
  const long K = static_cast<long>(kh) * kw * ci;
  const long pstride = static_cast<long>(sw) * ci;
  for (long r = r0; r < r1; r++) {
    const long b = r / oh;
    const int oy = static_cast<int>(r - b * oh);
    const float* xrow = xp.data + ((b * xp.hp + static_cast<long>(oy) * sh) * xp.wp) * ci;
    for (int s = 0; s < co; s += 16) {
      const float* fs = packed + (s / 16) * K * 16;
      const __m256 bias0 = e.bias ? _mm256_loadu_ps(e.bias + s) : _mm256_setzero_ps();
      const __m256 bias1 = e.bias ? _mm256_loadu_ps(e.bias + s + 8) : _mm256_setzero_ps();
      for (int ox = 0; ox < ow; ox += 6) {
        const int mr = std::min(6, ow - ox);
        const float* p[6];
        for (int i = 0; i < 6; i++) p[i] = xrow + (ox + (i < mr ? i : 0)) * pstride;
        __m256 c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1;
        __m256 c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1;
        const float* w = fs;
        for (int a = 0; a < kh; a++) {
          for (int c = 0; c < kw; c++) {
            const long off = (static_cast<long>(a) * xp.wp + c) * ci;
            const float* p0 = p[0] + off;
            const float* p1 = p[1] + off;
            const float* p2 = p[2] + off;
            const float* p3 = p[3] + off;
            const float* p4 = p[4] + off;
            const float* p5 = p[5] + off;
            for (int q = 0; q < ci; q++) {
              const __m256 b0 = _mm256_loadu_ps(w);
              const __m256 b1 = _mm256_loadu_ps(w + 8);
              w += 16;
              __m256 x = _mm256_broadcast_ss(p0 + q);
              c00 = _mm256_fmadd_ps(x, b0, c00);
              c01 = _mm256_fmadd_ps(x, b1, c01);
              x = _mm256_broadcast_ss(p1 + q);
              c10 = _mm256_fmadd_ps(x, b0, c10);
              c11 = _mm256_fmadd_ps(x, b1, c11);
              x = _mm256_broadcast_ss(p2 + q);
              c20 = _mm256_fmadd_ps(x, b0, c20);
              c21 = _mm256_fmadd_ps(x, b1, c21);
              x = _mm256_broadcast_ss(p3 + q);
              c30 = _mm256_fmadd_ps(x, b0, c30);
              c31 = _mm256_fmadd_ps(x, b1, c31);
              x = _mm256_broadcast_ss(p4 + q);
              c40 = _mm256_fmadd_ps(x, b0, c40);
              c41 = _mm256_fmadd_ps(x, b1, c41);
              x = _mm256_broadcast_ss(p5 + q);
              c50 = _mm256_fmadd_ps(x, b0, c50);
              c51 = _mm256_fmadd_ps(x, b1, c51);
            }
          }
        }
        __m256 rows[6][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                             {c30, c31}, {c40, c41}, {c50, c51}};
        const __m256 zero = _mm256_setzero_ps();
        for (int i = 0; i < mr; i++) {
          __m256 v0 = rows[i][0];
          __m256 v1 = rows[i][1];
          const long at = (r * ow + ox + i) * co + s;
          if (e.act == 1) {
            // max(v, 0) that keeps NaN: (v > 0) ? v : (v is NaN ? v : 0)
            const __m256 keep0 = _mm256_cmp_ps(v0, zero, _CMP_NLE_UQ);
            const __m256 keep1 = _mm256_cmp_ps(v1, zero, _CMP_NLE_UQ);
            v0 = _mm256_and_ps(v0, keep0);
            v1 = _mm256_and_ps(v1, keep1);
            if (e.mask != nullptr) {
              const int kept = _mm256_movemask_ps(keep0) | (_mm256_movemask_ps(keep1) << 8);
              for (int j = 0; j < 16; j++) e.mask[at + j] = static_cast<unsigned char>((kept >> j) & 1);
            }
          }
          if (e.residual != nullptr) {
            v0 = _mm256_add_ps(v0, _mm256_loadu_ps(e.residual + at));
            v1 = _mm256_add_ps(v1, _mm256_loadu_ps(e.residual + at + 8));
          }
          _mm256_storeu_ps(y + at, v0);
          _mm256_storeu_ps(y + at + 8, v1);
        }
      }
    }
  }
}

void conv_filter_grad_rows_avx2(const Padded& xp, int kh, int kw, int sh, int sw, int oh, int ow,
                                const float* dy, int co, float* df, long r0, long r1) {
  const int ci = xp.c;
  const int K = kh * kw * ci;
  const long pstride = static_cast<long>(sw) * ci;
  for (int m0 = 0; m0 < K; m0 += 6) {
    const int mr = std::min(6, K - m0);
    long base[6];
    for (int i = 0; i < 6; i++) {
      const int m = m0 + (i < mr ? i : 0);
      const int tap = m / ci;
      const int q = m - tap * ci;
      const int a = tap / kw;
      const int c = tap - a * kw;
      base[i] = (static_cast<long>(a) * xp.wp + c) * ci + q;
    }
    for (int s = 0; s < co; s += 16) {
      __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
      __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
      __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
      __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
      __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
      __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
      for (long r = r0; r < r1; r++) {
        const long b = r / oh;
        const int oy = static_cast<int>(r - b * oh);
        const float* xrow = xp.data + ((b * xp.hp + static_cast<long>(oy) * sh) * xp.wp) * ci;
        const float* x0 = xrow + base[0];
        const float* x1 = xrow + base[1];
        const float* x2 = xrow + base[2];
        const float* x3 = xrow + base[3];
        const float* x4 = xrow + base[4];
        const float* x5 = xrow + base[5];
        const float* d = dy + r * ow * co + s;
        for (int ox = 0; ox < ow; ox++) {
          const long o = ox * pstride;
          const __m256 b0 = _mm256_loadu_ps(d);
          const __m256 b1 = _mm256_loadu_ps(d + 8);
          d += co;
          __m256 x = _mm256_broadcast_ss(x0 + o);
          c00 = _mm256_fmadd_ps(x, b0, c00);
          c01 = _mm256_fmadd_ps(x, b1, c01);
          x = _mm256_broadcast_ss(x1 + o);
          c10 = _mm256_fmadd_ps(x, b0, c10);
          c11 = _mm256_fmadd_ps(x, b1, c11);
          x = _mm256_broadcast_ss(x2 + o);
          c20 = _mm256_fmadd_ps(x, b0, c20);
          c21 = _mm256_fmadd_ps(x, b1, c21);
          x = _mm256_broadcast_ss(x3 + o);
          c30 = _mm256_fmadd_ps(x, b0, c30);
          c31 = _mm256_fmadd_ps(x, b1, c31);
          x = _mm256_broadcast_ss(x4 + o);
          c40 = _mm256_fmadd_ps(x, b0, c40);
          c41 = _mm256_fmadd_ps(x, b1, c41);
          x = _mm256_broadcast_ss(x5 + o);
          c50 = _mm256_fmadd_ps(x, b0, c50);
          c51 = _mm256_fmadd_ps(x, b1, c51);
        }
      }
      const __m256 rows[6][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                                 {c30, c31}, {c40, c41}, {c50, c51}};
      for (int i = 0; i < mr; i++) {
        float* out = df + static_cast<long>(m0 + i) * co + s;
        _mm256_storeu_ps(out, _mm256_add_ps(_mm256_loadu_ps(out), rows[i][0]));
        _mm256_storeu_ps(out + 8, _mm256_add_ps(_mm256_loadu_ps(out + 8), rows[i][1]));
      }
    }
  }
}

#else

void conv_direct_rows_avx2(const Padded&, int, int, int, int, int, int, const float*, int,
                           const ConvEpilogue&, float*, long, long) {}
void conv_filter_grad_rows_avx2(const Padded&, int, int, int, int, int, int, const float*, int,
                                float*, long, long) {}

#endif

}  // namespace runge
