// NHWC 2-D convolutions (forward, input gradient, filter gradient) as tiled gathers + products.
#pragma once

namespace runge {

/** Geometry of a convolution: input n×h×w×ci, filter kh×kw×ci×co, output n×oh×ow×co. */
struct ConvGeometry {
  int n, h, w, ci, kh, kw, co, sh, sw, pt, pl, oh, ow;
};

/** y = act(conv(x, f) + bias); bias may be null; act 0 = identity, 1 = relu. */
void conv2d_forward(const ConvGeometry& g, const float* x, const float* f, const float* bias,
                    int act, float* y);
/** dx = the input gradient of the convolution for the output gradient dy. */
void conv2d_backprop_input(const ConvGeometry& g, const float* dy, const float* f, float* dx);
/** df = the filter gradient of the convolution for input x and output gradient dy. */
void conv2d_backprop_filter(const ConvGeometry& g, const float* x, const float* dy, float* df);

}  // namespace runge
