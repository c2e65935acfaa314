// Element-wise, reduction and pooling loops over float32 buffers, split over the thread pool.
#pragma once

namespace runge {

/** Binary operations: out[i] = a[i % na] op b[i % nb] where na, nb divide n. */
enum BinaryOp { ADD = 0, SUB = 1, MUL = 2, DIV = 3 };
void binary(int op, const float* a, long na, const float* b, long nb, float* out, long n);

/** Unary operations: relu, step (x > 0 ? 1 : alpha, NaN kept), and the relu gradient dy·[x>0]. */
enum UnaryOp { RELU = 0, STEP = 1 };
void unary(int op, const float* x, float* out, long n, float alpha);

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

}  // namespace runge
