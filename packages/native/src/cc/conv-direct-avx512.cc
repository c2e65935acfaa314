// AVX-512 register tiles of the direct convolutions, for CPUs whose cores execute 512-bit fused
// multiply-adds: 14 output pixels × 16 output channels in 14 zmm accumulators (forward), and 16
// filter rows (one tap's 16 input channels) × 16 output channels over many pixels (filter
// gradient); each multiply-add takes its broadcast input straight from memory. Only this file is
// compiled for AVX-512; it runs only after a runtime check of the CPU.
#if defined(__x86_64__)
#pragma GCC target("avx512f,avx2,fma")
#include <immintrin.h>
#endif

#include <algorithm>

#include "conv-direct.h"
#include "gemm.h"

namespace runge {

#if defined(__x86_64__)

namespace {

constexpr int PX = 14;  // output pixels per forward tile

/**
 * The forward epilogue of one output vector at offset `at`: relu (keeping NaN: v where
 * !(v <= 0), else 0) and its mask when act is 1, then the residual, then the store.
 */
inline void store_output(__m512 v, int act, const float* res, unsigned char* mask, float* out,
                         long at) {
  if (act == 1) {
    const __mmask16 kept = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NLE_UQ);
    v = _mm512_maskz_mov_ps(kept, v);
    if (mask != nullptr) {
      _mm512_mask_cvtepi32_storeu_epi8(mask + at, 0xFFFF, _mm512_maskz_set1_epi32(kept, 1));
    }
  }
  if (res != nullptr) v = _mm512_add_ps(v, _mm512_loadu_ps(res + at));
  _mm512_storeu_ps(out + at, v);
}

/**
 * One forward tile: PX output pixels from `src` (pixel i at src + i*SW*CI), 16·S output channels
 * from S consecutive packed filter strips starting at `w` (strip stride `strip`), over all taps;
 * bias, activation, relu's mask (when `mask` is not null), the residual (when `res` is not null)
 * and store to `out` (pixel stride co; `res` and `mask` likewise). Each broadcast input value
 * feeds S multiply-adds: with S = 2 (32 or more output channels) the tile issues 16 loads per 28
 * multiply-adds instead of 15 per 14.
 */
template <int CI, int SW, int S>
inline void forward_tile(const float* src, long wp, int kh, int kw, const float* w, long strip,
                         const __m512* bias, int act, const float* res, unsigned char* mask,
                         float* out, int co) {
  __m512 acc[S][PX];
#pragma GCC unroll 2
  for (int t = 0; t < S; t++)
#pragma GCC unroll 14
    for (int i = 0; i < PX; i++) acc[t][i] = bias[t];
  for (int a = 0; a < kh; a++) {
    for (int c = 0; c < kw; c++) {
      const float* p = src + (a * wp + c) * CI;
#pragma GCC unroll 4
      for (int q = 0; q < CI; q++) {
        __m512 wv[S];
#pragma GCC unroll 2
        for (int t = 0; t < S; t++) wv[t] = _mm512_loadu_ps(w + t * strip);
        w += 16;
#pragma GCC unroll 14
        for (int i = 0; i < PX; i++) {
          const __m512 xv = _mm512_set1_ps(p[i * SW * CI + q]);
#pragma GCC unroll 2
          for (int t = 0; t < S; t++) acc[t][i] = _mm512_fmadd_ps(xv, wv[t], acc[t][i]);
        }
      }
    }
  }
#pragma GCC unroll 2
  for (int t = 0; t < S; t++) {
#pragma GCC unroll 14
    for (int i = 0; i < PX; i++) {
      store_output(acc[t][i], act, res, mask, out, static_cast<long>(i) * co + t * 16);
    }
  }
}

/**
 * forward_tile for one strip of 16 output channels, stride 1 and filters 3 wide: each input
 * value is broadcast once and feeds the (up to) 3 output pixels whose taps reach it, with the
 * filter's 3 horizontal taps held in registers. Per input channel and filter row: 3 weight loads
 * and PX + 2 broadcasts for 3·PX multiply-adds, against 3 + 3·PX loads in forward_tile (where
 * every multiply-add waited on a load of its own).
 */
template <int CI>
inline void forward_tile_taps3(const float* src, long wp, int kh, const float* w, __m512 bias,
                               int act, const float* res, unsigned char* mask, float* out,
                               int co) {
  __m512 acc[PX];
#pragma GCC unroll 14
  for (int i = 0; i < PX; i++) acc[i] = bias;
  for (int a = 0; a < kh; a++) {
    const float* row = src + static_cast<long>(a) * wp * CI;
    const float* wa = w + static_cast<long>(a) * 3 * CI * 16;
#pragma GCC unroll 2
    for (int q = 0; q < CI; q++) {
      const __m512 w0 = _mm512_loadu_ps(wa + q * 16);
      const __m512 w1 = _mm512_loadu_ps(wa + (CI + q) * 16);
      const __m512 w2 = _mm512_loadu_ps(wa + (2 * CI + q) * 16);
      // Input pixel p reaches output pixel p − c through tap c.
#pragma GCC unroll 16
      for (int p = 0; p < PX + 2; p++) {
        const __m512 xv = _mm512_set1_ps(row[p * CI + q]);
        if (p < PX) acc[p] = _mm512_fmadd_ps(xv, w0, acc[p]);
        if (p >= 1 && p - 1 < PX) acc[p - 1] = _mm512_fmadd_ps(xv, w1, acc[p - 1]);
        if (p >= 2) acc[p - 2] = _mm512_fmadd_ps(xv, w2, acc[p - 2]);
      }
    }
  }
#pragma GCC unroll 14
  for (int i = 0; i < PX; i++) store_output(acc[i], act, res, mask, out, static_cast<long>(i) * co);
}

template <int CI, int SW>
void forward_rows(const Padded& xp, int kh, int kw, int sh, int oh, int ow, const float* packed, int co,
                  const ConvEpilogue& e, float* y, long r0, long r1) {
  const long K = static_cast<long>(kh) * kw * CI;
  const long strip = K * 16;
  for (long r = r0; r < r1; r++) {
    const long b = r / oh;
    const int oy = static_cast<int>(r - b * oh);
    const float* xrow = xp.data + ((b * xp.hp + static_cast<long>(oy) * sh) * xp.wp) * CI;
    // Pairs of 16-channel strips while two are left, then a single one.
    for (int s = 0; s < co;) {
      const int pair = co - s >= 32 ? 2 : 1;
      const float* fs = packed + (s / 16) * strip;
      __m512 bv[2];
      for (int t = 0; t < pair; t++)
        bv[t] = e.bias ? _mm512_loadu_ps(e.bias + s + t * 16) : _mm512_setzero_ps();
      for (int ox0 = 0; ox0 < ow; ox0 += PX) {
        // The last tile moves back to end at the row's end (it recomputes a few pixels).
        const int ox = std::min(ox0, ow - PX);
        const long at = (r * ow + ox) * co + s;
        const float* src = xrow + static_cast<long>(ox) * SW * CI;
        const float* res = e.residual ? e.residual + at : nullptr;
        unsigned char* mask = e.mask ? e.mask + at : nullptr;
        if (pair == 2) {
          forward_tile<CI, SW, 2>(src, xp.wp, kh, kw, fs, strip, bv, e.act, res, mask, y + at, co);
        } else if (SW == 1 && kw == 3) {
          forward_tile_taps3<CI>(src, xp.wp, kh, fs, bv[0], e.act, res, mask, y + at, co);
        } else {
          forward_tile<CI, SW, 1>(src, xp.wp, kh, kw, fs, strip, bv, e.act, res, mask, y + at, co);
        }
      }
      s += 16 * pair;
    }
  }
}

/**
 * The filter gradient as a sum of outer products dy ⊗ x over pixels, with the input side in
 * vectors: for filter row `a`, the `V` vectors of 16 values a pixel's taps (a, 0 … kw−1) read
 * (kw · ci / 16 of them), times `O` output channels broadcast from dy, into V × O accumulators.
 * Per pixel that is V vector loads and O broadcasts for V · O fused multiply-adds (3 + 8 for 24
 * at 16 channels and 3 × 3), where broadcasting the input (one per multiply-add) made the tile
 * wait on loads. Adds to df[(a, c, ci), o] as conv_filter_grad_rows_avx2.
 */
template <int V, int O>
void filter_grad_outer(const Padded& xp, int kh, int kw, int sh, int sw, int oh, int ow,
                       const float* dy, int co, float* df, long r0, long r1) {
  const int ci = xp.c;
  const long pstride = static_cast<long>(sw) * ci;
  alignas(64) float lanes[16];
  for (int a = 0; a < kh; a++) {
    for (int o0 = 0; o0 < co; o0 += O) {
      __m512 acc[O][V];
#pragma GCC unroll 8
      for (int o = 0; o < O; o++)
#pragma GCC unroll 6
        for (int v = 0; v < V; v++) acc[o][v] = _mm512_setzero_ps();
      for (long r = r0; r < r1; r++) {
        const long b = r / oh;
        const int oy = static_cast<int>(r - b * oh);
        const float* x =
            xp.data + ((b * xp.hp + static_cast<long>(oy) * sh + a) * xp.wp) * ci;
        const float* d = dy + r * ow * co + o0;
        for (int ox = 0; ox < ow; ox++) {
          __m512 xv[V];
#pragma GCC unroll 6
          for (int v = 0; v < V; v++) xv[v] = _mm512_loadu_ps(x + v * 16);
#pragma GCC unroll 8
          for (int o = 0; o < O; o++) {
            const __m512 dv = _mm512_set1_ps(d[o]);
#pragma GCC unroll 6
            for (int v = 0; v < V; v++) acc[o][v] = _mm512_fmadd_ps(dv, xv[v], acc[o][v]);
          }
          x += pstride;
          d += co;
        }
      }
      // Vector v holds filter rows (a, c, q·16 … q·16+15) with v = c · ci/16 + q: the taps of a
      // pixel lie one after another in the padded row.
      for (int o = 0; o < O; o++) {
        for (int v = 0; v < V; v++) {
          _mm512_store_ps(lanes, acc[o][v]);
          float* out = df + (static_cast<long>(a) * kw * ci + v * 16) * co + o0 + o;
          for (int l = 0; l < 16; l++) out[static_cast<long>(l) * co] += lanes[l];
        }
      }
    }
  }
}

}  // namespace

bool conv_direct_avx512_handles(int ci, int sw, int ow) {
  return (ci == 16 || ci == 32 || ci == 64) && (sw == 1 || sw == 2) && ow >= PX;
}

void conv_direct_rows_avx512(const Padded& xp, int kh, int kw, int sh, int sw, int oh, int ow,
                             const float* packed, int co, const ConvEpilogue& e, float* y,
                             long r0, long r1) {
  // One instance per input channel count and stride, so every offset in the tile is a constant.
#define RUNGE_FORWARD(CI, SW)                                                             \
  if (xp.c == CI && sw == SW)                                                             \
    return forward_rows<CI, SW>(xp, kh, kw, sh, oh, ow, packed, co, e, y, r0, r1);
  RUNGE_FORWARD(16, 1)
  RUNGE_FORWARD(16, 2)
  RUNGE_FORWARD(32, 1)
  RUNGE_FORWARD(32, 2)
  RUNGE_FORWARD(64, 1)
  RUNGE_FORWARD(64, 2)
#undef RUNGE_FORWARD
}

bool conv_filter_grad_avx512_handles(int ci) { return ci % 16 == 0; }

void conv_filter_grad_rows_avx512(const Padded& xp, int kh, int kw, int sh, int sw, int oh, int ow,
                                  const float* dy, int co, float* df, long r0, long r1) {
  const int ci = xp.c;
  // Outer products with the input in vectors where a row of taps fills 3 or 6 vectors (3 × 3
  // filters on 16 or 32 channels). With one vector per row (1 × 1 on 16 channels) they were
  // slower than the tile below (0.33 against 0.21 ms at 64 × 28 × 28): one load per multiply-add
  // either way, and the transposed stores on top.
  switch (kw * ci / 16) {
    case 3:
      return filter_grad_outer<3, 8>(xp, kh, kw, sh, sw, oh, ow, dy, co, df, r0, r1);
    case 6:
      return filter_grad_outer<6, 4>(xp, kh, kw, sh, sw, oh, ow, dy, co, df, r0, r1);
    default:
      break;
  }
  const long pstride = static_cast<long>(sw) * ci;
  for (int tap = 0; tap < kh * kw; tap++) {
    const int a = tap / kw;
    const int c = tap - a * kw;
    for (int q0 = 0; q0 < ci; q0 += 16) {
      // Filter rows (tap, q0 .. q0+15): input channels q0.. of the pixel the tap reaches.
      const long base = (static_cast<long>(a) * xp.wp + c) * ci + q0;
      for (int s = 0; s < co; s += 16) {
        __m512 acc[16];
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++) acc[i] = _mm512_setzero_ps();
        for (long r = r0; r < r1; r++) {
          const long b = r / oh;
          const int oy = static_cast<int>(r - b * oh);
          const float* x =
              xp.data + ((b * xp.hp + static_cast<long>(oy) * sh) * xp.wp) * ci + base;
          const float* d = dy + r * ow * co + s;
          for (int ox = 0; ox < ow; ox++) {
            const __m512 dv = _mm512_loadu_ps(d);
            d += co;
#pragma GCC unroll 16
            for (int i = 0; i < 16; i++)
              acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(x[i]), dv, acc[i]);
            x += pstride;
          }
        }
        float* out = df + (static_cast<long>(tap) * ci + q0) * co + s;
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++) {
          float* row = out + static_cast<long>(i) * co;
          _mm512_storeu_ps(row, _mm512_add_ps(_mm512_loadu_ps(row), acc[i]));
        }
      }
    }
  }
}

float fma_loop_avx512(long iterations) {
  __m512 a[12];
  for (int i = 0; i < 12; i++) a[i] = _mm512_set1_ps(1.f);
  const __m512 m = _mm512_set1_ps(0.999999f);
  const __m512 c = _mm512_set1_ps(1e-7f);
  for (long k = 0; k < iterations; k++) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) a[i] = _mm512_fmadd_ps(a[i], m, c);
  }
  __m512 s = a[0];
  for (int i = 1; i < 12; i++) s = _mm512_add_ps(s, a[i]);
  alignas(64) float out[16];
  _mm512_store_ps(out, s);
  return out[0];
}

#else

float fma_loop_avx512(long iterations) { return static_cast<float>(iterations); }
bool conv_direct_avx512_handles(int, int, int) { return false; }
void conv_direct_rows_avx512(const Padded&, int, int, int, int, int, int, const float*, int,
                             const ConvEpilogue&, float*, long, long) {}
bool conv_filter_grad_avx512_handles(int) { return false; }
void conv_filter_grad_rows_avx512(const Padded&, int, int, int, int, int, int, const float*, int,
                                  float*, long, long) {}

#endif

}  // namespace runge
