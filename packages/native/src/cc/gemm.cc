// Blocked, packed matrix products: B is packed in NR-wide strips and A in MR-high panels per
// KC-deep slice, so the microkernel streams both from cache.
#include "gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "pool.h"

namespace runge {
namespace {

constexpr int KC = 256;
constexpr int MC = 72;  // a multiple of MR

Microkernel kernel = microkernel_scalar;
const char* kernel_name = "scalar";
bool avx512_wanted = true;
bool avx512_on = false;

/** Packs op(B)[k0:k0+kc, 0:N] into strips of NR columns, each kc × NR, zero padded. */
void pack_b(int kc, int N, const float* B, long ldb, bool tb, int k0, float* out) {
  const int strips = (N + NR - 1) / NR;
  for (int s = 0; s < strips; s++) {
    const int n0 = s * NR;
    const int nr = std::min(NR, N - n0);
    float* dst = out + static_cast<long>(s) * kc * NR;
    for (int k = 0; k < kc; k++) {
      float* row = dst + static_cast<long>(k) * NR;
      if (!tb) {
        const float* src = B + static_cast<long>(k0 + k) * ldb + n0;
        std::memcpy(row, src, sizeof(float) * nr);
      } else {
        for (int j = 0; j < nr; j++) row[j] = B[static_cast<long>(n0 + j) * ldb + k0 + k];
      }
      for (int j = nr; j < NR; j++) row[j] = 0.f;
    }
  }
}

/** Packs op(A)[m0:m0+mc, k0:k0+kc] into panels of MR rows, each kc × MR, zero padded. */
void pack_a(int mc, int kc, const float* A, long lda, bool ta, int m0, int k0, float* out) {
  const int panels = (mc + MR - 1) / MR;
  for (int p = 0; p < panels; p++) {
    const int r0 = m0 + p * MR;
    const int mr = std::min(MR, mc - p * MR);
    float* dst = out + static_cast<long>(p) * kc * MR;
    if (ta) {
      for (int k = 0; k < kc; k++) {
        const float* src = A + static_cast<long>(k0 + k) * lda + r0;
        float* d = dst + static_cast<long>(k) * MR;
        int i = 0;
        for (; i < mr; i++) d[i] = src[i];
        for (; i < MR; i++) d[i] = 0.f;
      }
    } else {
      for (int i = 0; i < MR; i++) {
        if (i < mr) {
          const float* src = A + static_cast<long>(r0 + i) * lda + k0;
          for (int k = 0; k < kc; k++) dst[static_cast<long>(k) * MR + i] = src[k];
        } else {
          for (int k = 0; k < kc; k++) dst[static_cast<long>(k) * MR + i] = 0.f;
        }
      }
    }
  }
}

thread_local std::vector<float> scratch_a;
thread_local std::vector<float> scratch_b;

}  // namespace

void microkernel_scalar(int kc, const float* a, const float* b, float* c, long ldc, int mr, int nr,
                        bool accumulate) {
  float acc[MR][NR] = {};
  for (int k = 0; k < kc; k++) {
    for (int i = 0; i < MR; i++) {
      const float ai = a[k * MR + i];
      for (int j = 0; j < NR; j++) acc[i][j] += ai * b[k * NR + j];
    }
  }
  for (int i = 0; i < mr; i++) {
    float* row = c + i * ldc;
    for (int j = 0; j < nr; j++) row[j] = accumulate ? row[j] + acc[i][j] : acc[i][j];
  }
}

bool cpu_has_avx2_fma() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

void select_microkernel(bool avx2) {
#if defined(__x86_64__) || defined(__i386__)
  if (avx2 && cpu_has_avx2_fma()) {
    kernel = microkernel_avx2;
    kernel_name = "avx2";
    select_avx512(avx512_wanted);
    return;
  }
#endif
  kernel = microkernel_scalar;
  kernel_name = "scalar";
  select_avx512(avx512_wanted);
}

const char* microkernel_name() { return kernel_name; }

bool cpu_has_avx512() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}

bool select_avx512(bool on) {
  avx512_wanted = on;
  avx512_on = on && kernel == microkernel_avx2 && cpu_has_avx512();
  return avx512_on;
}

bool avx512_enabled() { return avx512_on; }

void gemm_st(int M, int N, int K, const float* A, long lda, bool ta, const float* B, long ldb,
             bool tb, float* C, long ldc, bool accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (int m = 0; m < M; m++) std::memset(C + m * ldc, 0, sizeof(float) * N);
    return;
  }
  const int strips = (N + NR - 1) / NR;
  const int kcMax = std::min(K, KC);
  scratch_b.resize(static_cast<size_t>(strips) * kcMax * NR);
  scratch_a.resize(static_cast<size_t>(MC) * kcMax);
  float* bp = scratch_b.data();
  float* ap = scratch_a.data();
  for (int k0 = 0; k0 < K; k0 += KC) {
    const int kc = std::min(KC, K - k0);
    const bool acc = accumulate || k0 > 0;
    pack_b(kc, N, B, ldb, tb, k0, bp);
    for (int m0 = 0; m0 < M; m0 += MC) {
      const int mc = std::min(MC, M - m0);
      pack_a(mc, kc, A, lda, ta, m0, k0, ap);
      const int panels = (mc + MR - 1) / MR;
      for (int s = 0; s < strips; s++) {
        const int n0 = s * NR;
        const int nr = std::min(NR, N - n0);
        const float* bs = bp + static_cast<long>(s) * kc * NR;
        for (int p = 0; p < panels; p++) {
          const int mr = std::min(MR, mc - p * MR);
          kernel(kc, ap + static_cast<long>(p) * kc * MR, bs, C + (m0 + p * MR) * ldc + n0, ldc,
                 mr, nr, acc);
        }
      }
    }
  }
}

void gemm(int M, int N, int K, const float* A, long lda, bool ta, const float* B, long ldb, bool tb,
          float* C, long ldc, bool accumulate) {
  const int t = threads();
  const double work = static_cast<double>(M) * N * K;
  if (t == 1 || work < 2e5) {
    gemm_st(M, N, K, A, lda, ta, B, ldb, tb, C, ldc, accumulate);
    return;
  }
  if (M >= N || M >= 4 * MR * t) {
    // Row blocks: a multiple of MR rows each, about 4 per thread for balance.
    int rows = (M + 4 * t - 1) / (4 * t);
    rows = std::max(MR, (rows + MR - 1) / MR * MR);
    const int tasks = (M + rows - 1) / rows;
    parallel_for(tasks, [&](int task, int) {
      const int m0 = task * rows;
      const int mc = std::min(rows, M - m0);
      const float* a = ta ? A + m0 : A + m0 * lda;
      gemm_st(mc, N, K, a, lda, ta, B, ldb, tb, C + m0 * ldc, ldc, accumulate);
    });
  } else {
    int cols = (N + 4 * t - 1) / (4 * t);
    cols = std::max(NR, (cols + NR - 1) / NR * NR);
    const int tasks = (N + cols - 1) / cols;
    parallel_for(tasks, [&](int task, int) {
      const int n0 = task * cols;
      const int nc = std::min(cols, N - n0);
      const float* b = tb ? B + n0 * ldb : B + n0;
      gemm_st(M, nc, K, A, lda, ta, b, ldb, tb, C + n0, ldc, accumulate);
    });
  }
}

}  // namespace runge
