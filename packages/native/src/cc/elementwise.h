// Element-wise, reduction and pooling loops over float32 buffers, split over the thread pool.
#pragma once

namespace runge {

/**
 * Binary operations: out[i] = a[i] op b[(i / inner) % nb] where na = n and nb · inner divides n,
 * or out[i] = a[(i / inner) % na] op b[i] where nb = n: the smaller operand repeats (inner = 1:
 * a bias, a scalar) or each of its values spans `inner` consecutive outputs (a column).
 */
enum BinaryOp { ADD = 0, SUB = 1, MUL = 2, DIV = 3 };
void binary(int op, const float* a, long na, const float* b, long nb, long inner, float* out,
            long n);

/** Unary operations: relu and step (x > 0 ? 1 : alpha, NaN kept). */
enum UnaryOp { RELU = 0, STEP = 1 };
void unary(int op, const float* x, float* out, long n, float alpha);

/** out[i] = dy[i] · (x[i] > 0 ? 1 : 0), NaN in x kept: relu's gradient dy · step(x), one pass. */
void relu_grad(const float* dy, const float* x, float* out, long n);

/** The instruction set the loops run with now: "avx512", "avx2" or "baseline". */
const char* elementwise_isa();

/** out[j] = sum_i x[i*inner + j] (a reduction over leading axes). */
void sum_leading(const float* x, long outer, long inner, float* out);
/** out[i] = sum_j x[i*inner + j] (a reduction over trailing axes). */
void sum_trailing(const float* x, long outer, long inner, float* out);

/** Pooling geometry, NHWC. */
struct PoolGeometry {
  int n, h, w, c, fh, fw, sh, sw, pt, pl, oh, ow;
};
/** Average pool: the mean over the window's positions inside the input. */
void avg_pool(const PoolGeometry& g, const float* x, float* y);
/** Its gradient as TF.js's cpu backend defines it: dy / (fh*fw) spread over each window. */
void avg_pool_grad(const PoolGeometry& g, const float* dy, float* dx);

/**
 * The gradient through relu's mask and the bias: g = dz · mask and db[c] = Σ over pixels of
 * g[p, c], for dz and mask of pixels × channels. With a null mask, g is dz (not written) and only
 * db is computed. Sums are taken in a fixed order, whatever the threads.
 */
void masked_gradient(const float* dz, const unsigned char* mask, long pixels, int channels,
                     float* g, float* db);

}  // namespace runge
