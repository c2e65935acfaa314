// Convolutions as products of gathered pixel tiles with the filter: each thread gathers the
// receptive fields of a tile of pixels (im2col, in cache) and multiplies by the filter matrix.
// The input gradient gathers output-gradient rows per input pixel, so tiles never overlap.
#include "conv.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "conv-direct.h"
#include "gemm.h"
#include "pool.h"

namespace runge {
namespace {

constexpr int TILE = 120;         // pixels per forward / input-gradient tile (a multiple of MR)
constexpr int FILTER_TILE = 256;  // pixels per filter-gradient tile
constexpr long GROUPS = 8;        // partial sums of a filter gradient, whatever the threads
/**
 * Output rows per band of the direct filter gradient: every tap reads the band's padded input
 * again, so it should stay in the second-level cache, and each band pads kh − 1 rows more than
 * it convolves and loads and stores its accumulators once. Measured at 28×28×16 and ×32: bands of
 * 8 rows were up to 10 % slower than bands of a whole 28-row image.
 */
constexpr long FILTER_BAND = 32;
/** Whole images per band of the direct filter gradient, when a group's rows hold whole images. */
constexpr long FILTER_IMAGES = 4;

thread_local std::vector<float> cols;

/** Gathers the receptive fields of output pixels [p0, p0+tp) of x into rows of kh*kw*ci. */
void gather_forward(const ConvGeometry& g, const float* x, long p0, int tp, float* out) {
  const int K = g.kh * g.kw * g.ci;
  const long per_image = static_cast<long>(g.oh) * g.ow;
  for (int r = 0; r < tp; r++) {
    const long p = p0 + r;
    const long b = p / per_image;
    const int rem = static_cast<int>(p - b * per_image);
    const int oy = rem / g.ow;
    const int ox = rem - oy * g.ow;
    float* row = out + static_cast<long>(r) * K;
    for (int a = 0; a < g.kh; a++) {
      const int iy = oy * g.sh - g.pt + a;
      for (int c = 0; c < g.kw; c++) {
        const int ix = ox * g.sw - g.pl + c;
        float* dst = row + (a * g.kw + c) * g.ci;
        if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) {
          std::memset(dst, 0, sizeof(float) * g.ci);
        } else {
          std::memcpy(dst, x + ((b * g.h + iy) * g.w + ix) * g.ci, sizeof(float) * g.ci);
        }
      }
    }
  }
}

/** Gathers, for input pixels [p0, p0+tp), the output-gradient rows each filter tap reaches. */
void gather_backward(const ConvGeometry& g, const float* dy, long p0, int tp, float* out) {
  const int K = g.kh * g.kw * g.co;
  const long per_image = static_cast<long>(g.h) * g.w;
  for (int r = 0; r < tp; r++) {
    const long p = p0 + r;
    const long b = p / per_image;
    const int rem = static_cast<int>(p - b * per_image);
    const int iy = rem / g.w;
    const int ix = rem - iy * g.w;
    float* row = out + static_cast<long>(r) * K;
    for (int a = 0; a < g.kh; a++) {
      const int ny = iy + g.pt - a;
      const bool rowOk = ny >= 0 && ny % g.sh == 0 && ny / g.sh < g.oh;
      for (int c = 0; c < g.kw; c++) {
        const int nx = ix + g.pl - c;
        float* dst = row + (a * g.kw + c) * g.co;
        if (rowOk && nx >= 0 && nx % g.sw == 0 && nx / g.sw < g.ow) {
          const long src = ((b * g.oh + ny / g.sh) * g.ow + nx / g.sw) * g.co;
          std::memcpy(dst, dy + src, sizeof(float) * g.co);
        } else {
          std::memset(dst, 0, sizeof(float) * g.co);
        }
      }
    }
  }
}


/** Whether the direct AVX2 kernels run (the AVX2 tile is selected; co a multiple of 16). */
bool direct_ok(int co) { return co % 16 == 0 && std::strcmp(microkernel_name(), "avx2") == 0; }

/**
 * The calling thread's buffer for the padded input rows of one band of output rows, kept between
 * calls. A band is padded by the thread that convolves it, right before, so the tile reads it
 * from cache; a whole padded copy of the input per call cost a pass over memory of its own, a
 * synchronisation of the threads, and a second read of every value from further away.
 */
thread_local std::vector<float> band;

/**
 * Calls fn(b, oy0, oy1) for the parts of output rows [r0, r1) of n × oh that lie in one image b
 * (rows oy0 .. oy1-1 of it), in order.
 */
template <typename F>
void for_image_rows(long r0, long r1, int oh, F fn) {
  while (r0 < r1) {
    const long b = r0 / oh;
    const int oy0 = static_cast<int>(r0 - b * oh);
    const int oy1 = static_cast<int>(std::min<long>(r1 - b * oh, oh));
    fn(b, oy0, oy1);
    r0 = b * oh + oy1;
  }
}

/**
 * Writes the input rows that output rows [oy0, oy1) of image b of x (n × h × w × c) read,
 * zero-padded (rows oy0·sh − pt … (oy1−1)·sh + kh − 1 − pt, columns −pl … wp − 1 − pl), in full to
 * `out`; returns the number of rows written.
 */
int pad_rows(float* out, const float* x, int h, int w, int c, int kh, int sh, int pt, int pl,
             int wp, long b, int oy0, int oy1) {
  const int hp = (oy1 - oy0 - 1) * sh + kh;
  const int x0 = std::max(0, -pl);
  const int x1 = std::max(x0, std::min(w, wp - pl));
  const long rowLength = static_cast<long>(wp) * c;
  const long lo = static_cast<long>(x0 + pl) * c;
  const long hi = static_cast<long>(x1 + pl) * c;
  for (int r = 0; r < hp; r++) {
    const int iy = oy0 * sh + r - pt;
    float* dst = out + r * rowLength;
    if (iy < 0 || iy >= h || x1 == x0) {
      std::memset(dst, 0, sizeof(float) * rowLength);
      continue;
    }
    std::memset(dst, 0, sizeof(float) * lo);
    std::memcpy(dst + lo, x + ((b * h + iy) * w + x0) * c, sizeof(float) * (hi - lo));
    std::memset(dst + hi, 0, sizeof(float) * (rowLength - hi));
  }
  return hp;
}

/**
 * Output rows [oy0, oy1) of image b as a band: their padded input rows (pad_rows) in the calling
 * thread's band buffer, a one-image padded input whose output rows are 0 … oy1−oy0−1.
 */
Padded pad_band(const float* x, int h, int w, int c, int kh, int sh, int pt, int pl, int wp,
                long b, int oy0, int oy1) {
  const int hp = (oy1 - oy0 - 1) * sh + kh;
  const size_t size = static_cast<size_t>(hp) * wp * c;
  if (band.size() < size) band.resize(size);
  pad_rows(band.data(), x, h, w, c, kh, sh, pt, pl, wp, b, oy0, oy1);
  return Padded{band.data(), 1, hp, wp, c};
}

/**
 * Whole images b … b+k−1 as one band: each image's padded input (all oh output rows) one after
 * another in the calling thread's band buffer, a k-image padded input.
 */
Padded pad_images(const float* x, int h, int w, int c, int kh, int sh, int pt, int pl, int wp,
                  int oh, long b, int k) {
  const int hp = (oh - 1) * sh + kh;
  const size_t per = static_cast<size_t>(hp) * wp * c;
  if (band.size() < per * k) band.resize(per * k);
  for (int i = 0; i < k; i++) pad_rows(band.data() + per * i, x, h, w, c, kh, sh, pt, pl, wp, b + i, 0, oh);
  return Padded{band.data(), k, hp, wp, c};
}

/** f (kh×kw×ci×co, row-major K×co) as strips of 16 output channels: [co/16][K][16]. */
std::vector<float> pack_filter_strips(const float* f, long K, int co) {
  std::vector<float> out(static_cast<size_t>(K) * co);
  for (int s = 0; s < co / 16; s++)
    for (long k = 0; k < K; k++)
      std::memcpy(out.data() + (s * K + k) * 16, f + k * co + s * 16, sizeof(float) * 16);
  return out;
}

/** Runs the direct forward tile over all output rows of g, in parallel, band by band. */
void direct_forward(const ConvGeometry& g, const float* x, const float* f, const ConvEpilogue& e,
                    float* y) {
  const int wp = (g.ow - 1) * g.sw + g.kw;
  const std::vector<float> packed =
      pack_filter_strips(f, static_cast<long>(g.kh) * g.kw * g.ci, g.co);
  const long rows = static_cast<long>(g.n) * g.oh;
  const int tasks = static_cast<int>(std::min<long>(rows, 8L * threads()));
  const bool wide = avx512_enabled() && conv_direct_avx512_handles(g.ci, g.sw, g.ow);
  parallel_for(tasks, [&](int t, int) {
    const long r0 = rows * t / tasks, r1 = rows * (t + 1) / tasks;
    for_image_rows(r0, r1, g.oh, [&](long b, int oy0, int oy1) {
      const Padded in = pad_band(x, g.h, g.w, g.ci, g.kh, g.sh, g.pt, g.pl, wp, b, oy0, oy1);
      // The band's outputs, and the epilogue's arrays laid out as them.
      const long at = (b * g.oh + oy0) * static_cast<long>(g.ow) * g.co;
      ConvEpilogue eb = e;
      if (e.residual != nullptr) eb.residual = e.residual + at;
      if (e.mask != nullptr) eb.mask = e.mask + at;
      const int oh = oy1 - oy0;
      if (wide) {
        conv_direct_rows_avx512(in, g.kh, g.kw, g.sh, g.sw, oh, g.ow, packed.data(), g.co, eb,
                                y + at, 0, oh);
      } else {
        conv_direct_rows_avx2(in, g.kh, g.kw, g.sh, g.sw, oh, g.ow, packed.data(), g.co, eb,
                              y + at, 0, oh);
      }
    });
  });
}

}  // namespace

void conv2d_forward(const ConvGeometry& g, const float* x, const float* f, const ConvEpilogue& e,
                    float* y) {
  if (direct_ok(g.co)) {
    direct_forward(g, x, f, e, y);
    return;
  }
  const int K = g.kh * g.kw * g.ci;
  const long P = static_cast<long>(g.n) * g.oh * g.ow;
  const int tasks = static_cast<int>((P + TILE - 1) / TILE);
  const bool direct = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pl == 0;
  parallel_for(tasks, [&](int t, int) {
    const long p0 = static_cast<long>(t) * TILE;
    const int tp = static_cast<int>(std::min<long>(TILE, P - p0));
    const float* a;
    if (direct) {
      a = x + p0 * g.ci;
    } else {
      cols.resize(static_cast<size_t>(TILE) * K);
      gather_forward(g, x, p0, tp, cols.data());
      a = cols.data();
    }
    float* out = y + p0 * g.co;
    gemm_st(tp, g.co, K, a, K, false, f, g.co, false, out, g.co, false);
    if (e.bias != nullptr || e.act != 0 || e.residual != nullptr) {
      for (int r = 0; r < tp; r++) {
        const long at = (p0 + r) * g.co;
        float* row = y + at;
        if (e.bias != nullptr)
          for (int j = 0; j < g.co; j++) row[j] += e.bias[j];
        if (e.act == 1) {
          for (int j = 0; j < g.co; j++) {
            const bool kept = row[j] > 0.f || std::isnan(row[j]);
            row[j] = kept ? row[j] : 0.f;
            if (e.mask != nullptr) e.mask[at + j] = kept ? 1 : 0;
          }
        }
        if (e.residual != nullptr)
          for (int j = 0; j < g.co; j++) row[j] += e.residual[at + j];
      }
    }
  });
}

void conv2d_backprop_input(const ConvGeometry& g, const float* dy, const float* f,
                           const float* residual, float* dx) {
  if (direct_ok(g.ci) && g.sh == 1 && g.sw == 1 && g.pt <= g.kh - 1 && g.pl <= g.kw - 1) {
    // A stride-1 convolution's input gradient is the 'full' convolution of dy with the filter
    // flipped in space and its channels exchanged: f2[a][b][o][i] = f[kh-1-a][kw-1-b][i][o].
    std::vector<float> f2(static_cast<size_t>(g.kh) * g.kw * g.ci * g.co);
    for (int a = 0; a < g.kh; a++)
      for (int b = 0; b < g.kw; b++)
        for (int i = 0; i < g.ci; i++)
          for (int o = 0; o < g.co; o++)
            f2[((static_cast<long>(a) * g.kw + b) * g.co + o) * g.ci + i] =
                f[((static_cast<long>(g.kh - 1 - a) * g.kw + (g.kw - 1 - b)) * g.ci + i) * g.co + o];
    const ConvGeometry full{g.n, g.oh, g.ow, g.co, g.kh, g.kw, g.ci, 1, 1,
                            g.kh - 1 - g.pt, g.kw - 1 - g.pl, g.h, g.w};
    ConvEpilogue e;
    e.residual = residual;
    direct_forward(full, dy, f2.data(), e, dx);
    return;
  }
  const int K = g.kh * g.kw * g.co;
  // ft[(a, c, o)][i] = f[(a, c, i)][o]: the filter with in and out channels exchanged.
  std::vector<float> ft(static_cast<size_t>(K) * g.ci);
  for (int tap = 0; tap < g.kh * g.kw; tap++)
    for (int i = 0; i < g.ci; i++)
      for (int o = 0; o < g.co; o++)
        ft[(static_cast<long>(tap) * g.co + o) * g.ci + i] =
            f[(static_cast<long>(tap) * g.ci + i) * g.co + o];
  const long P = static_cast<long>(g.n) * g.h * g.w;
  const int tasks = static_cast<int>((P + TILE - 1) / TILE);
  const bool direct = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pl == 0;
  parallel_for(tasks, [&](int t, int) {
    const long p0 = static_cast<long>(t) * TILE;
    const int tp = static_cast<int>(std::min<long>(TILE, P - p0));
    const float* a;
    if (direct) {
      a = dy + p0 * g.co;
    } else {
      cols.resize(static_cast<size_t>(TILE) * K);
      gather_backward(g, dy, p0, tp, cols.data());
      a = cols.data();
    }
    float* out = dx + p0 * g.ci;
    gemm_st(tp, g.ci, K, a, K, false, ft.data(), g.ci, false, out, g.ci, false);
    if (residual != nullptr) {
      const float* add = residual + p0 * g.ci;
      for (long i = 0; i < static_cast<long>(tp) * g.ci; i++) out[i] += add[i];
    }
  });
}

void conv2d_backprop_filter(const ConvGeometry& g, const float* x, const float* dy, float* df) {
  if (direct_ok(g.co)) {
    const int wp = (g.ow - 1) * g.sw + g.kw;
    const size_t size = static_cast<size_t>(g.kh) * g.kw * g.ci * g.co;
    const long rows = static_cast<long>(g.n) * g.oh;
    // A fixed number of partial sums, each over a fixed range of rows, added in a fixed order:
    // the result does not depend on the thread count or on scheduling.
    const int groups = static_cast<int>(std::min<long>(GROUPS, rows));
    std::vector<float> partial(size * groups, 0.f);
    const bool wide = avx512_enabled() && conv_filter_grad_avx512_handles(g.ci);
    parallel_for(groups, [&](int t, int) {
      const long r0 = rows * t / groups, r1 = rows * (t + 1) / groups;
      float* out = partial.data() + size * t;
      // Runs of up to FILTER_IMAGES whole images of at most FILTER_BAND rows as one band (the
      // tile adds its sums to `out` once per band), else bands of at most FILTER_BAND rows.
      const auto rows_fn = [&](const Padded& in, int oh, const float* d, long n_rows) {
        if (wide) {
          conv_filter_grad_rows_avx512(in, g.kh, g.kw, g.sh, g.sw, oh, g.ow, d, g.co, out, 0, n_rows);
        } else {
          conv_filter_grad_rows_avx2(in, g.kh, g.kw, g.sh, g.sw, oh, g.ow, d, g.co, out, 0, n_rows);
        }
      };
      for (long r = r0; r < r1;) {
        const long b = r / g.oh;
        const int oy0 = static_cast<int>(r - b * g.oh);
        const float* d = dy + r * static_cast<long>(g.ow) * g.co;
        if (oy0 == 0 && g.oh <= FILTER_BAND && r + g.oh <= r1) {
          const int k = static_cast<int>(std::min<long>(FILTER_IMAGES, (r1 - r) / g.oh));
          rows_fn(pad_images(x, g.h, g.w, g.ci, g.kh, g.sh, g.pt, g.pl, wp, g.oh, b, k), g.oh, d,
                  static_cast<long>(k) * g.oh);
          r += static_cast<long>(k) * g.oh;
        } else {
          const int oy1 = static_cast<int>(
              std::min<long>({static_cast<long>(g.oh), oy0 + FILTER_BAND, r1 - b * g.oh}));
          rows_fn(pad_band(x, g.h, g.w, g.ci, g.kh, g.sh, g.pt, g.pl, wp, b, oy0, oy1), oy1 - oy0,
                  d, oy1 - oy0);
          r = b * g.oh + oy1;
        }
      }
    });
    std::memset(df, 0, sizeof(float) * size);
    for (int t = 0; t < groups; t++)
      for (size_t i = 0; i < size; i++) df[i] += partial[size * t + i];
    return;
  }
  const int K = g.kh * g.kw * g.ci;
  const long P = static_cast<long>(g.n) * g.oh * g.ow;
  const long tiles = (P + FILTER_TILE - 1) / FILTER_TILE;
  const int groups = static_cast<int>(std::min<long>(GROUPS, tiles));
  const size_t size = static_cast<size_t>(K) * g.co;
  std::vector<float> partial(size * groups, 0.f);
  const bool direct = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pl == 0;
  parallel_for(groups, [&](int t, int) {
    const long t0 = tiles * t / groups, t1 = tiles * (t + 1) / groups;
    for (long tile = t0; tile < t1; tile++) {
      const long p0 = tile * FILTER_TILE;
      const int tp = static_cast<int>(std::min<long>(FILTER_TILE, P - p0));
      const float* a;
      if (direct) {
        a = x + p0 * g.ci;
      } else {
        cols.resize(static_cast<size_t>(FILTER_TILE) * K);
        gather_forward(g, x, p0, tp, cols.data());
        a = cols.data();
      }
      gemm_st(K, g.co, tp, a, K, true, dy + p0 * g.co, g.co, false, partial.data() + size * t,
              g.co, true);
    }
  });
  std::memset(df, 0, sizeof(float) * size);
  for (int t = 0; t < groups; t++) {
    const float* src = partial.data() + size * t;
    for (size_t i = 0; i < size; i++) df[i] += src[i];
  }
}

}  // namespace runge
