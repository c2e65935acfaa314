// NHWC 2-D convolutions (forward, input gradient, filter gradient) as tiled gathers + products.
#pragma once

namespace runge {

/** Geometry of a convolution: input n×h×w×ci, filter kh×kw×ci×co, output n×oh×ow×co. */
struct ConvGeometry {
  int n, h, w, ci, kh, kw, co, sh, sw, pt, pl, oh, ow;
};

/**
 * What the forward convolution does to each output after the products:
 * y = act(acc + bias) + residual, and mask = 1 where relu kept its input (acc + bias > 0, or NaN),
 * 0 where it did not. Every pointer may be null; residual and mask are laid out as y.
 */
struct ConvEpilogue {
  const float* bias = nullptr;
  int act = 0;  // 0 identity, 1 relu
  const float* residual = nullptr;
  unsigned char* mask = nullptr;  // written only with act 1
};

/** y = the convolution of x by f, finished by the epilogue e. */
void conv2d_forward(const ConvGeometry& g, const float* x, const float* f, const ConvEpilogue& e,
                    float* y);
/**
 * dx = the input gradient of the convolution for the output gradient dy, plus residual (laid
 * out as dx) when it is not null.
 */
void conv2d_backprop_input(const ConvGeometry& g, const float* dy, const float* f,
                           const float* residual, float* dx);
/** df = the filter gradient of the convolution for input x and output gradient dy. */
void conv2d_backprop_filter(const ConvGeometry& g, const float* x, const float* dy, float* df);

}  // namespace runge
