// Element-wise, reduction and pooling loops: contiguous, vectorisable by the compiler, split into
// chunks over the thread pool when large enough to pay for the hand-off.
#include "elementwise.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "pool.h"

namespace runge {
namespace {

constexpr long CHUNK = 1L << 15;

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

template <typename Op>
void binary_loop(Op op, const float* a, long na, const float* b, long nb, float* out, long n) {
  if (na == n && nb == n) {
    chunked(n, 1, [&](long s, long e) {
      for (long i = s; i < e; i++) out[i] = op(a[i], b[i]);
    });
  } else if (na == n) {
    if (nb == 1) {
      const float v = b[0];
      chunked(n, 1, [&](long s, long e) {
        for (long i = s; i < e; i++) out[i] = op(a[i], v);
      });
    } else {
      chunked(n, nb, [&](long s, long e) {
        for (long r = s; r < e; r += nb)
          for (long j = 0; j < nb; j++) out[r + j] = op(a[r + j], b[j]);
      });
    }
  } else {
    if (na == 1) {
      const float v = a[0];
      chunked(n, 1, [&](long s, long e) {
        for (long i = s; i < e; i++) out[i] = op(v, b[i]);
      });
    } else {
      chunked(n, na, [&](long s, long e) {
        for (long r = s; r < e; r += na)
          for (long j = 0; j < na; j++) out[r + j] = op(a[j], b[r + j]);
      });
    }
  }
}

}  // namespace

void binary(int op, const float* a, long na, const float* b, long nb, float* out, long n) {
  switch (op) {
    case ADD:
      binary_loop([](float x, float y) { return x + y; }, a, na, b, nb, out, n);
      break;
    case SUB:
      binary_loop([](float x, float y) { return x - y; }, a, na, b, nb, out, n);
      break;
    case MUL:
      binary_loop([](float x, float y) { return x * y; }, a, na, b, nb, out, n);
      break;
    case DIV:
      binary_loop([](float x, float y) { return x / y; }, a, na, b, nb, out, n);
      break;
    default:
      break;
  }
}

void unary(int op, const float* x, float* out, long n, float alpha) {
  if (op == RELU) {
    chunked(n, 1, [&](long s, long e) {
      // Branch-free selects (signs are random; branches would mispredict half the time).
      for (long i = s; i < e; i++) {
        const float v = x[i];
        const float r = v > 0.f ? v : 0.f;
        out[i] = v != v ? v : r;
      }
    });
  } else if (op == STEP) {
    chunked(n, 1, [&](long s, long e) {
      long i = s;
#if defined(__SSE2__)
      // Masks instead of branches (signs are random; branches would mispredict half the time).
      const __m128 zero = _mm_setzero_ps(), one = _mm_set1_ps(1.f), a = _mm_set1_ps(alpha);
      for (; i + 4 <= e; i += 4) {
        const __m128 v = _mm_loadu_ps(x + i);
        const __m128 gt = _mm_cmpgt_ps(v, zero);
        const __m128 nan = _mm_cmpunord_ps(v, v);
        const __m128 r = _mm_or_ps(_mm_and_ps(gt, one), _mm_andnot_ps(gt, a));
        _mm_storeu_ps(out + i, _mm_or_ps(_mm_and_ps(nan, v), _mm_andnot_ps(nan, r)));
      }
#endif
      for (; i < e; i++) {
        const float v = x[i];
        const float r = v > 0.f ? 1.f : alpha;
        out[i] = v != v ? v : r;
      }
    });
  }
}

void sum_leading(const float* x, long outer, long inner, float* out) {
  // A fixed number of partial sums over fixed row ranges, added in order: the result does not
  // depend on the thread count.
  constexpr long GROUPS = 8;
  if (outer * inner <= CHUNK || outer < 2 * GROUPS) {
    std::memset(out, 0, sizeof(float) * inner);
    for (long i = 0; i < outer; i++)
      for (long j = 0; j < inner; j++) out[j] += x[i * inner + j];
    return;
  }
  std::vector<float> partial(static_cast<size_t>(GROUPS) * inner, 0.f);
  parallel_for(static_cast<int>(GROUPS), [&](int t, int) {
    float* acc = partial.data() + static_cast<long>(t) * inner;
    const long s = outer * t / GROUPS, e = outer * (t + 1) / GROUPS;
    for (long i = s; i < e; i++)
      for (long j = 0; j < inner; j++) acc[j] += x[i * inner + j];
  });
  std::memset(out, 0, sizeof(float) * inner);
  for (long t = 0; t < GROUPS; t++)
    for (long j = 0; j < inner; j++) out[j] += partial[t * inner + j];
}

void sum_trailing(const float* x, long outer, long inner, float* out) {
  chunked(outer * inner, inner, [&](long s, long e) {
    for (long r = s / inner; r < e / inner; r++) {
      float acc = 0.f;
      const float* row = x + r * inner;
      for (long j = 0; j < inner; j++) acc += row[j];
      out[r] = acc;
    }
  });
}

void avg_pool(const PoolGeometry& g, const float* x, float* y) {
  const long rowsOut = static_cast<long>(g.n) * g.oh;
  chunked(rowsOut, 1, [&](long s, long e) {
    for (long r = s; r < e; r++) {
      const long b = r / g.oh;
      const int oy = static_cast<int>(r - b * g.oh);
      for (int ox = 0; ox < g.ow; ox++) {
        float* out = y + (r * g.ow + ox) * g.c;
        std::memset(out, 0, sizeof(float) * g.c);
        int count = 0;
        for (int a = 0; a < g.fh; a++) {
          const int iy = oy * g.sh - g.pt + a;
          if (iy < 0 || iy >= g.h) continue;
          for (int q = 0; q < g.fw; q++) {
            const int ix = ox * g.sw - g.pl + q;
            if (ix < 0 || ix >= g.w) continue;
            const float* in = x + ((b * g.h + iy) * g.w + ix) * g.c;
            for (int ch = 0; ch < g.c; ch++) out[ch] += in[ch];
            count++;
          }
        }
        const float inv = count > 0 ? 1.f / static_cast<float>(count) : 0.f;
        for (int ch = 0; ch < g.c; ch++) out[ch] *= inv;
      }
    }
  });
}

void avg_pool_grad(const PoolGeometry& g, const float* dy, float* dx) {
  // Gather form: each input pixel sums dy over the windows that contain it (no write conflicts).
  const float scale = 1.f / static_cast<float>(g.fh * g.fw);
  const long rowsIn = static_cast<long>(g.n) * g.h;
  chunked(rowsIn, 1, [&](long s, long e) {
    for (long r = s; r < e; r++) {
      const long b = r / g.h;
      const int iy = static_cast<int>(r - b * g.h);
      for (int ix = 0; ix < g.w; ix++) {
        float* out = dx + (r * g.w + ix) * g.c;
        std::memset(out, 0, sizeof(float) * g.c);
        for (int a = 0; a < g.fh; a++) {
          const int ny = iy + g.pt - a;
          if (ny < 0 || ny % g.sh != 0 || ny / g.sh >= g.oh) continue;
          for (int q = 0; q < g.fw; q++) {
            const int nx = ix + g.pl - q;
            if (nx < 0 || nx % g.sw != 0 || nx / g.sw >= g.ow) continue;
            const float* in = dy + ((b * g.oh + ny / g.sh) * g.ow + nx / g.sw) * g.c;
            for (int ch = 0; ch < g.c; ch++) out[ch] += in[ch];
          }
        }
        for (int ch = 0; ch < g.c; ch++) out[ch] *= scale;
      }
    }
  });
}

}  // namespace runge
