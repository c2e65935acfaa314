// Element-wise, reduction and pooling kernels: split into chunks over the thread pool when large
// enough to pay for the hand-off, each chunk run by the loops of the widest instruction set the
// CPU has and the caller allows (the same switches as the matrix products: setSimd, setAvx512).
#include "elementwise.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "elementwise-isa.h"
#include "gemm.h"
#include "pool.h"

// The baseline copy of the loops (the addon's default instruction set).
#include "elementwise-loops.inc"

namespace runge {

const ElementwiseLoops& elementwise_loops_baseline() { return LOOPS; }

namespace {

constexpr long CHUNK = 1L << 15;

/** The loops for this CPU and the selected microkernel: AVX-512, AVX2/FMA or the baseline. */
const ElementwiseLoops& loops() {
  if (avx512_enabled()) return elementwise_loops_avx512();
  if (std::strcmp(microkernel_name(), "avx2") == 0) return elementwise_loops_avx2();
  return elementwise_loops_baseline();
}

/** Runs body(begin, end) over [0, n) in chunks, in parallel when n is large. */
template <typename F>
void chunked(long n, long align, F body) {
  if (n <= CHUNK || threads() == 1) {
    body(0, n);
    return;
  }
  long step = std::max(CHUNK, (n + 4L * threads() - 1) / (4L * threads()));
  step = (step + align - 1) / align * align;
  const int tasks = static_cast<int>((n + step - 1) / step);
  parallel_for(tasks, [&](int t, int) {
    const long b = t * step;
    body(b, std::min(n, b + step));
  });
}

}  // namespace

const char* elementwise_isa() {
  if (avx512_enabled()) return "avx512";
  if (std::strcmp(microkernel_name(), "avx2") == 0) return "avx2";
  return "baseline";
}

void binary(int op, const float* a, long na, const float* b, long nb, long inner, float* out,
            long n) {
  if (op < ADD || op > DIV) return;
  const ElementwiseLoops& k = loops();
  // Chunks start where the smaller operand's pattern starts again.
  const long small = na == n ? nb : na;
  long align = 1;
  if (small != n && small != 1) align = inner == 1 ? small : inner;
  chunked(n, align, [&](long s, long e) { k.binary(op, a, na, b, nb, inner, out, n, s, e); });
}

void unary(int op, const float* x, float* out, long n, float alpha) {
  const ElementwiseLoops& k = loops();
  if (op == RELU) {
    chunked(n, 1, [&](long s, long e) { k.relu(x, out, s, e); });
  } else if (op == STEP) {
    chunked(n, 1, [&](long s, long e) { k.step(x, out, s, e, alpha); });
  }
}

void relu_grad(const float* dy, const float* x, float* out, long n) {
  const ElementwiseLoops& k = loops();
  chunked(n, 1, [&](long s, long e) { k.relu_grad(dy, x, out, s, e); });
}

namespace {

/**
 * out[0, inner) = the sum over rows [0, rows) that pass(r0, r1, acc) adds into acc: a fixed number
 * of partial sums over fixed row ranges, added in order, so the result does not depend on the
 * thread count.
 */
template <typename Pass>
void grouped_row_sums(long rows, long inner, float* out, Pass pass) {
  const ElementwiseLoops& k = loops();
  constexpr long GROUPS = 8;
  std::memset(out, 0, sizeof(float) * inner);
  if (rows * inner <= CHUNK || rows < 2 * GROUPS) {
    pass(0, rows, out);
    return;
  }
  std::vector<float> partial(static_cast<size_t>(GROUPS) * inner, 0.f);
  parallel_for(static_cast<int>(GROUPS), [&](int t, int) {
    pass(rows * t / GROUPS, rows * (t + 1) / GROUPS, partial.data() + static_cast<long>(t) * inner);
  });
  for (long t = 0; t < GROUPS; t++) k.add_rows(partial.data(), t, t + 1, inner, out);
}

}  // namespace

void sum_leading(const float* x, long outer, long inner, float* out) {
  const ElementwiseLoops& k = loops();
  grouped_row_sums(outer, inner, out,
                   [&](long r0, long r1, float* acc) { k.add_rows(x, r0, r1, inner, acc); });
}

void masked_gradient(const float* dz, const unsigned char* mask, long pixels, int channels,
                     float* g, float* db) {
  if (mask == nullptr) return sum_leading(dz, pixels, channels, db);
  const ElementwiseLoops& k = loops();
  grouped_row_sums(pixels, channels, db, [&](long r0, long r1, float* acc) {
    k.masked_rows(dz, mask, r0, r1, channels, g, acc);
  });
}

void sum_trailing(const float* x, long outer, long inner, float* out) {
  const ElementwiseLoops& k = loops();
  chunked(outer * inner, inner,
          [&](long s, long e) { k.row_sums(x, s / inner, e / inner, inner, out); });
}

void avg_pool(const PoolGeometry& g, const float* x, float* y) {
  const ElementwiseLoops& k = loops();
  chunked(static_cast<long>(g.n) * g.oh, 1,
          [&](long s, long e) { k.avg_pool_rows(g, x, y, s, e); });
}

void avg_pool_grad(const PoolGeometry& g, const float* dy, float* dx) {
  const ElementwiseLoops& k = loops();
  chunked(static_cast<long>(g.n) * g.h, 1,
          [&](long s, long e) { k.avg_pool_grad_rows(g, dy, dx, s, e); });
}

}  // namespace runge
