// Matrix products C (+)= op(A) op(B) on packed panels, the engine under every native kernel.
#pragma once

namespace runge {

/** Rows and columns of one register tile of the microkernel. */
constexpr int MR = 6;
constexpr int NR = 16;

/**
 * C[0:mr, 0:nr] (+)= sum_k a[k*MR + i] * b[k*NR + j] over kc steps; a and b are packed panels
 * (zero padded to MR rows and NR columns); c has row stride ldc; accumulate adds to C.
 */
using Microkernel = void (*)(int kc, const float* a, const float* b, float* c, long ldc, int mr,
                             int nr, bool accumulate);

void microkernel_scalar(int kc, const float* a, const float* b, float* c, long ldc, int mr, int nr,
                        bool accumulate);
void microkernel_avx2(int kc, const float* a, const float* b, float* c, long ldc, int mr, int nr,
                      bool accumulate);

/**
 * 12 independent chains of 8-wide fused multiply-adds, `iterations` times (192 flops each): the
 * loop that measures the machine's fp32 peak. Call only when cpu_has_avx2_fma().
 */
float fma_loop_avx2(long iterations);
/** The same loop with 512-bit fused multiply-adds (384 flops each); call only when cpu_has_avx512(). */
float fma_loop_avx512(long iterations);

/** Whether this CPU runs AVX2 and FMA instructions. */
bool cpu_has_avx2_fma();
/** Chooses the AVX2 microkernel (when the CPU has it and avx2 is true) or the scalar one. */
void select_microkernel(bool avx2);
/** "avx2" or "scalar". */
const char* microkernel_name();

/** Whether this CPU runs AVX-512F instructions. */
bool cpu_has_avx512();
/**
 * Lets the convolutions use their AVX-512 tiles (when `on`, the CPU has AVX-512F and the AVX2
 * microkernel is selected); returns whether they do.
 */
bool select_avx512(bool on);
/** Whether the convolutions use their AVX-512 tiles. */
bool avx512_enabled();

/**
 * Single-threaded C[M×N] (+)= op(A)[M×K] · op(B)[K×N], row-major with leading dimensions;
 * op(A)[m][k] = ta ? A[k*lda + m] : A[m*lda + k], likewise B.
 */
void gemm_st(int M, int N, int K, const float* A, long lda, bool ta, const float* B, long ldb,
             bool tb, float* C, long ldc, bool accumulate);

/** gemm_st split over the thread pool by rows (or columns when there are few rows). */
void gemm(int M, int N, int K, const float* A, long lda, bool ta, const float* B, long ldb, bool tb,
          float* C, long ldc, bool accumulate);

}  // namespace runge
