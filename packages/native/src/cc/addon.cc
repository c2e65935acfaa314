// The Node-API surface of the native kernels: each function takes Float32Arrays (read and written
// in place, no copies) and an Int32Array of sizes, checks them, and runs the kernel synchronously.
#include <node_api.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "conv.h"
#include "elementwise.h"
#include "gemm.h"
#include "pool.h"

namespace {

using runge::ConvGeometry;
using runge::PoolGeometry;

struct Floats {
  float* data = nullptr;
  size_t length = 0;
};

struct Bytes {
  unsigned char* data = nullptr;
  size_t length = 0;
};

struct Ints {
  const int32_t* data = nullptr;
  size_t length = 0;
};

bool fail(napi_env env, const std::string& message) {
  napi_throw_error(env, "E_NATIVE", message.c_str());
  return false;
}

bool get_args(napi_env env, napi_callback_info info, size_t want, napi_value* argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) {
    return fail(env, "could not read the arguments");
  }
  if (argc < want) return fail(env, "expected " + std::to_string(want) + " arguments");
  return true;
}

bool floats(napi_env env, napi_value value, const char* name, Floats* out, bool nullable = false) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  if (nullable && (type == napi_null || type == napi_undefined)) {
    *out = Floats{};
    return true;
  }
  bool is_typed = false;
  napi_is_typedarray(env, value, &is_typed);
  if (!is_typed) return fail(env, std::string(name) + " must be a Float32Array");
  napi_typedarray_type kind;
  size_t length;
  void* data;
  napi_get_typedarray_info(env, value, &kind, &length, &data, nullptr, nullptr);
  if (kind != napi_float32_array) return fail(env, std::string(name) + " must be a Float32Array");
  out->data = static_cast<float*>(data);
  out->length = length;
  return true;
}

/**
 * The data and length of `value` when it is a typed array of `kind` (false, with nothing thrown,
 * when it is not).
 */
bool typed_array_of(napi_env env, napi_value value, napi_typedarray_type kind, void** data,
                    size_t* length) {
  bool is_typed = false;
  napi_is_typedarray(env, value, &is_typed);
  napi_typedarray_type actual = napi_float32_array;
  if (is_typed) napi_get_typedarray_info(env, value, &actual, length, data, nullptr, nullptr);
  return is_typed && actual == kind;
}

/** A Uint8Array (or null / undefined: no array). */
bool bytes(napi_env env, napi_value value, const char* name, Bytes* out) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  if (type == napi_null || type == napi_undefined) {
    *out = Bytes{};
    return true;
  }
  void* data = nullptr;
  size_t length = 0;
  if (!typed_array_of(env, value, napi_uint8_array, &data, &length))
    return fail(env, std::string(name) + " must be a Uint8Array");
  out->data = static_cast<unsigned char*>(data);
  out->length = length;
  return true;
}

bool ints(napi_env env, napi_value value, size_t want, Ints* out) {
  void* data = nullptr;
  size_t length = 0;
  if (!typed_array_of(env, value, napi_int32_array, &data, &length) || length < want) {
    return fail(env, "the sizes must be an Int32Array of " + std::to_string(want) + " entries");
  }
  out->data = static_cast<const int32_t*>(data);
  out->length = length;
  return true;
}

bool number(napi_env env, napi_value value, double* out) {
  if (napi_get_value_double(env, value, out) != napi_ok) return fail(env, "expected a number");
  return true;
}

bool check_size(napi_env env, const Floats& a, size_t want, const char* name) {
  if (a.length != want) {
    return fail(env, std::string(name) + " holds " + std::to_string(a.length) +
                         " values where its shape needs " + std::to_string(want));
  }
  return true;
}

bool check_bytes(napi_env env, const Bytes& a, size_t want, const char* name) {
  if (a.length != want) {
    return fail(env, std::string(name) + " holds " + std::to_string(a.length) +
                         " bytes where its shape needs " + std::to_string(want));
  }
  return true;
}

napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

ConvGeometry conv_geometry(const int32_t* p) {
  return ConvGeometry{p[0], p[1], p[2], p[3], p[4], p[5], p[6],
                      p[7], p[8], p[9], p[10], p[11], p[12]};
}

bool valid_conv(napi_env env, const ConvGeometry& g) {
  const int v[] = {g.n, g.h, g.w, g.ci, g.kh, g.kw, g.co, g.sh, g.sw, g.oh, g.ow};
  for (int x : v)
    if (x <= 0) return fail(env, "convolution sizes must be positive");
  if (g.pt < 0 || g.pl < 0) return fail(env, "convolution padding must be non-negative");
  return true;
}

size_t sz(long a, long b, long c, long d) {
  return static_cast<size_t>(a) * static_cast<size_t>(b) * static_cast<size_t>(c) *
         static_cast<size_t>(d);
}

// conv2d(x, filter, bias | null, out, sizes[13], activation)
napi_value Conv2d(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  Floats x, f, b, y;
  Ints p;
  double act;
  if (!get_args(env, info, 6, argv) || !floats(env, argv[0], "x", &x) ||
      !floats(env, argv[1], "filter", &f) || !floats(env, argv[2], "bias", &b, true) ||
      !floats(env, argv[3], "out", &y) || !ints(env, argv[4], 13, &p) ||
      !number(env, argv[5], &act))
    return nullptr;
  const ConvGeometry g = conv_geometry(p.data);
  if (!valid_conv(env, g) || !check_size(env, x, sz(g.n, g.h, g.w, g.ci), "x") ||
      !check_size(env, f, sz(g.kh, g.kw, g.ci, g.co), "filter") ||
      !check_size(env, y, sz(g.n, g.oh, g.ow, g.co), "out") ||
      (b.data != nullptr && !check_size(env, b, g.co, "bias")))
    return nullptr;
  runge::ConvEpilogue e;
  e.bias = b.data;
  e.act = static_cast<int>(act);
  runge::conv2d_forward(g, x.data, f.data, e, y.data);
  return undefined(env);
}

/** Whether g maps an image to one of the same shape: stride 1, 'same' padding, ci = co. */
bool residual_shape(napi_env env, const ConvGeometry& g) {
  if (g.sh != 1 || g.sw != 1 || g.oh != g.h || g.ow != g.w || g.ci != g.co)
    return fail(env, "a residual convolution needs stride 1, 'same' padding and as many output as input channels");
  return true;
}

// residualConv2d(x, filter, bias | null, out, mask | null, sizes[13], activation):
// out = x + act(conv(x, filter) + bias), mask = 1 where relu kept its input
napi_value ResidualConv2d(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  Floats x, f, b, y;
  Bytes m;
  Ints p;
  double act;
  if (!get_args(env, info, 7, argv) || !floats(env, argv[0], "x", &x) ||
      !floats(env, argv[1], "filter", &f) || !floats(env, argv[2], "bias", &b, true) ||
      !floats(env, argv[3], "out", &y) || !bytes(env, argv[4], "mask", &m) ||
      !ints(env, argv[5], 13, &p) || !number(env, argv[6], &act))
    return nullptr;
  const ConvGeometry g = conv_geometry(p.data);
  if (!valid_conv(env, g) || !residual_shape(env, g) ||
      !check_size(env, x, sz(g.n, g.h, g.w, g.ci), "x") ||
      !check_size(env, f, sz(g.kh, g.kw, g.ci, g.co), "filter") ||
      !check_size(env, y, x.length, "out") ||
      (b.data != nullptr && !check_size(env, b, g.co, "bias")) ||
      (m.data != nullptr && !check_bytes(env, m, x.length, "mask")))
    return nullptr;
  runge::ConvEpilogue e;
  e.bias = b.data;
  e.act = static_cast<int>(act);
  e.residual = x.data;
  e.mask = m.data;
  runge::conv2d_forward(g, x.data, f.data, e, y.data);
  return undefined(env);
}

// residualConv2dGrad(dz, mask | null, x, filter, g | null, dx, dfilter, dbias, sizes[13]):
// the gradient of residualConv2d: g = dz · mask (dz without a mask), dbias = Σ g,
// dx = dz + the input gradient of g, dfilter = the filter gradient of x and g
napi_value ResidualConv2dGrad(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  Floats dz, x, f, gv, dx, df, db;
  Bytes m;
  Ints p;
  if (!get_args(env, info, 9, argv) || !floats(env, argv[0], "dz", &dz) ||
      !bytes(env, argv[1], "mask", &m) || !floats(env, argv[2], "x", &x) ||
      !floats(env, argv[3], "filter", &f) || !floats(env, argv[4], "g", &gv, true) ||
      !floats(env, argv[5], "dx", &dx) || !floats(env, argv[6], "dfilter", &df) ||
      !floats(env, argv[7], "dbias", &db) || !ints(env, argv[8], 13, &p))
    return nullptr;
  const ConvGeometry g = conv_geometry(p.data);
  const size_t n = sz(g.n, g.h, g.w, g.ci);
  if (!valid_conv(env, g) || !residual_shape(env, g) || !check_size(env, x, n, "x") ||
      !check_size(env, dz, n, "dz") || !check_size(env, dx, n, "dx") ||
      !check_size(env, f, sz(g.kh, g.kw, g.ci, g.co), "filter") ||
      !check_size(env, df, sz(g.kh, g.kw, g.ci, g.co), "dfilter") ||
      !check_size(env, db, g.co, "dbias") ||
      (m.data != nullptr && (!check_bytes(env, m, n, "mask") || !check_size(env, gv, n, "g"))))
    return nullptr;
  const float* grad = m.data != nullptr ? gv.data : dz.data;
  runge::masked_gradient(dz.data, m.data, static_cast<long>(g.n) * g.h * g.w, g.co,
                         m.data != nullptr ? gv.data : nullptr, db.data);
  runge::conv2d_backprop_input(g, grad, f.data, dz.data, dx.data);
  runge::conv2d_backprop_filter(g, x.data, grad, df.data);
  return undefined(env);
}

// conv2dBackpropInput(dy, filter, dx, sizes[13])
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Floats dy, f, dx;
  Ints p;
  if (!get_args(env, info, 4, argv) || !floats(env, argv[0], "dy", &dy) ||
      !floats(env, argv[1], "filter", &f) || !floats(env, argv[2], "dx", &dx) ||
      !ints(env, argv[3], 13, &p))
    return nullptr;
  const ConvGeometry g = conv_geometry(p.data);
  if (!valid_conv(env, g) || !check_size(env, dx, sz(g.n, g.h, g.w, g.ci), "dx") ||
      !check_size(env, f, sz(g.kh, g.kw, g.ci, g.co), "filter") ||
      !check_size(env, dy, sz(g.n, g.oh, g.ow, g.co), "dy"))
    return nullptr;
  runge::conv2d_backprop_input(g, dy.data, f.data, nullptr, dx.data);
  return undefined(env);
}

// conv2dBackpropFilter(x, dy, dfilter, sizes[13])
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Floats x, dy, df;
  Ints p;
  if (!get_args(env, info, 4, argv) || !floats(env, argv[0], "x", &x) ||
      !floats(env, argv[1], "dy", &dy) || !floats(env, argv[2], "dfilter", &df) ||
      !ints(env, argv[3], 13, &p))
    return nullptr;
  const ConvGeometry g = conv_geometry(p.data);
  if (!valid_conv(env, g) || !check_size(env, x, sz(g.n, g.h, g.w, g.ci), "x") ||
      !check_size(env, df, sz(g.kh, g.kw, g.ci, g.co), "dfilter") ||
      !check_size(env, dy, sz(g.n, g.oh, g.ow, g.co), "dy"))
    return nullptr;
  runge::conv2d_backprop_filter(g, x.data, dy.data, df.data);
  return undefined(env);
}

// matMul(a, b, out, sizes[batchA, batchB, M, N, K, transposeA, transposeB])
napi_value MatMul(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Floats a, b, c;
  Ints p;
  if (!get_args(env, info, 4, argv) || !floats(env, argv[0], "a", &a) ||
      !floats(env, argv[1], "b", &b) || !floats(env, argv[2], "out", &c) ||
      !ints(env, argv[3], 7, &p))
    return nullptr;
  const long ba = p.data[0], bb = p.data[1], M = p.data[2], N = p.data[3], K = p.data[4];
  const bool ta = p.data[5] != 0, tb = p.data[6] != 0;
  if (ba <= 0 || bb <= 0 || M < 0 || N < 0 || K < 0 || (ba != bb && ba != 1 && bb != 1))
    return fail(env, "matMul: bad sizes") ? nullptr : nullptr;
  const long batch = ba > bb ? ba : bb;
  if (!check_size(env, a, sz(ba, M, K, 1), "a") || !check_size(env, b, sz(bb, K, N, 1), "b") ||
      !check_size(env, c, sz(batch, M, N, 1), "out"))
    return nullptr;
  for (long i = 0; i < batch; i++) {
    const float* ap = a.data + (ba == 1 ? 0 : i * M * K);
    const float* bp = b.data + (bb == 1 ? 0 : i * K * N);
    runge::gemm(static_cast<int>(M), static_cast<int>(N), static_cast<int>(K), ap, ta ? M : K, ta,
                bp, tb ? K : N, tb, c.data + i * M * N, N, false);
  }
  return undefined(env);
}

// binary(op, a, b, out[, inner]): one operand fills the output; the other repeats, each of its
// values spanning `inner` (default 1) consecutive outputs
napi_value Binary(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  size_t argc = 5;
  double op, inner = 1;
  Floats a, b, c;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 4)
    return fail(env, "binary: expected 4 or 5 arguments") ? nullptr : nullptr;
  if (!number(env, argv[0], &op) || !floats(env, argv[1], "a", &a) ||
      !floats(env, argv[2], "b", &b) || !floats(env, argv[3], "out", &c) ||
      (argc > 4 && !number(env, argv[4], &inner)))
    return nullptr;
  const size_t n = c.length;
  const size_t span = inner >= 1 ? static_cast<size_t>(inner) : 0;
  const bool ok = span >= 1 && ((a.length == n && b.length > 0 && n % (b.length * span) == 0) ||
                                (b.length == n && a.length > 0 && n % (a.length * span) == 0));
  if (!ok)
    return fail(env, "binary: one operand must fill the output, the other (times inner) divide it")
               ? nullptr
               : nullptr;
  runge::binary(static_cast<int>(op), a.data, static_cast<long>(a.length), b.data,
                static_cast<long>(b.length), static_cast<long>(span), c.data, static_cast<long>(n));
  return undefined(env);
}

// unary(op, x, out, alpha)
napi_value Unary(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  double op, alpha;
  Floats x, y;
  if (!get_args(env, info, 4, argv) || !number(env, argv[0], &op) ||
      !floats(env, argv[1], "x", &x) || !floats(env, argv[2], "out", &y) ||
      !number(env, argv[3], &alpha) || !check_size(env, y, x.length, "out"))
    return nullptr;
  runge::unary(static_cast<int>(op), x.data, y.data, static_cast<long>(x.length),
               static_cast<float>(alpha));
  return undefined(env);
}

// reluGrad(dy, x, out): out = dy · step(x), relu's gradient in one pass
napi_value ReluGrad(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Floats dy, x, y;
  if (!get_args(env, info, 3, argv) || !floats(env, argv[0], "dy", &dy) ||
      !floats(env, argv[1], "x", &x) || !floats(env, argv[2], "out", &y) ||
      !check_size(env, x, dy.length, "x") || !check_size(env, y, dy.length, "out"))
    return nullptr;
  runge::relu_grad(dy.data, x.data, y.data, static_cast<long>(dy.length));
  return undefined(env);
}

// sum(x, out, outer, inner, leading): sums over the leading (outer) or trailing (inner) axes
napi_value Sum(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  Floats x, y;
  double outer, inner;
  bool leading = false;
  if (!get_args(env, info, 5, argv) || !floats(env, argv[0], "x", &x) ||
      !floats(env, argv[1], "out", &y) || !number(env, argv[2], &outer) ||
      !number(env, argv[3], &inner))
    return nullptr;
  napi_get_value_bool(env, argv[4], &leading);
  const long o = static_cast<long>(outer), i = static_cast<long>(inner);
  if (o < 0 || i < 0 || !check_size(env, x, static_cast<size_t>(o) * i, "x") ||
      !check_size(env, y, static_cast<size_t>(leading ? i : o), "out"))
    return nullptr;
  if (leading) {
    runge::sum_leading(x.data, o, i, y.data);
  } else {
    runge::sum_trailing(x.data, o, i, y.data);
  }
  return undefined(env);
}

// avgPool(x, out, sizes[12]) and avgPoolGrad(dy, dx, sizes[12])
napi_value Pool(napi_env env, napi_callback_info info, bool grad) {
  napi_value argv[3];
  Floats a, b;
  Ints p;
  if (!get_args(env, info, 3, argv) || !floats(env, argv[0], "in", &a) ||
      !floats(env, argv[1], "out", &b) || !ints(env, argv[2], 12, &p))
    return nullptr;
  const int32_t* q = p.data;
  const PoolGeometry g{q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], q[10], q[11]};
  if (g.n <= 0 || g.h <= 0 || g.w <= 0 || g.c <= 0 || g.fh <= 0 || g.fw <= 0 || g.sh <= 0 ||
      g.sw <= 0 || g.oh <= 0 || g.ow <= 0 || g.pt < 0 || g.pl < 0)
    return fail(env, "pool sizes must be positive") ? nullptr : nullptr;
  const size_t in = sz(g.n, g.h, g.w, g.c), out = sz(g.n, g.oh, g.ow, g.c);
  if (grad) {
    if (!check_size(env, a, out, "dy") || !check_size(env, b, in, "dx")) return nullptr;
    runge::avg_pool_grad(g, a.data, b.data);
  } else {
    if (!check_size(env, a, in, "x") || !check_size(env, b, out, "out")) return nullptr;
    runge::avg_pool(g, a.data, b.data);
  }
  return undefined(env);
}

napi_value AvgPool(napi_env env, napi_callback_info info) { return Pool(env, info, false); }
napi_value AvgPoolGrad(napi_env env, napi_callback_info info) { return Pool(env, info, true); }

// setThreads(n)
napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  double n;
  if (!get_args(env, info, 1, argv) || !number(env, argv[0], &n)) return nullptr;
  if (n < 1 || n > 256) return fail(env, "threads must be between 1 and 256") ? nullptr : nullptr;
  runge::set_threads(static_cast<int>(n));
  return undefined(env);
}

// setSpin(microseconds): how long idle pool threads poll before they sleep; returns the setting
napi_value SetSpin(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  double us;
  if (!get_args(env, info, 1, argv) || !number(env, argv[0], &us)) return nullptr;
  if (!(us >= 0 && us <= 1e6)) {
    return fail(env, "spin must be between 0 and 1000000 microseconds") ? nullptr : nullptr;
  }
  runge::set_spin_microseconds(static_cast<int>(us));
  napi_value out;
  napi_create_int32(env, runge::spin_microseconds_now(), &out);
  return out;
}

// setSimd(useAvx2): selects the AVX2 or the scalar microkernel; returns the one in use
napi_value SetSimd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  bool avx2 = true;
  if (!get_args(env, info, 1, argv)) return nullptr;
  napi_get_value_bool(env, argv[0], &avx2);
  runge::select_microkernel(avx2);
  napi_value name;
  napi_create_string_utf8(env, runge::microkernel_name(), NAPI_AUTO_LENGTH, &name);
  return name;
}

// setAvx512(on): lets the convolutions use their AVX-512 tiles (when the CPU has AVX-512F and the
// AVX2 microkernel is selected); returns whether they do
napi_value SetAvx512(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  bool on = true;
  if (!get_args(env, info, 1, argv)) return nullptr;
  napi_get_value_bool(env, argv[0], &on);
  napi_value out;
  napi_get_boolean(env, runge::select_avx512(on), &out);
  return out;
}

// fmaLoop512(iterations): the peak loop with 512-bit fused multiply-adds (384 flops per
// iteration). Needs AVX-512F.
napi_value FmaLoop512(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  double n;
  if (!get_args(env, info, 1, argv) || !number(env, argv[0], &n)) return nullptr;
  if (!runge::cpu_has_avx512()) return fail(env, "fmaLoop512 needs a CPU with AVX-512F") ? nullptr : nullptr;
  napi_value out;
  napi_create_double(env, runge::fma_loop_avx512(static_cast<long>(n)), &out);
  return out;
}

// fmaLoop(iterations): runs the peak-measuring FMA loop (192 flops per iteration) on this
// thread; returns its result so it is not optimised away. Needs AVX2/FMA.
napi_value FmaLoop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  double n;
  if (!get_args(env, info, 1, argv) || !number(env, argv[0], &n)) return nullptr;
  if (!runge::cpu_has_avx2_fma()) return fail(env, "fmaLoop needs a CPU with AVX2 and FMA") ? nullptr : nullptr;
  napi_value out;
  napi_create_double(env, runge::fma_loop_avx2(static_cast<long>(n)), &out);
  return out;
}

// info(): { simd, threads, cpuHasAvx2Fma, avx512, cpuHasAvx512, elementwise }
napi_value Info(napi_env env, napi_callback_info) {
  napi_value obj, simd, threads, avx2, avx512, hasAvx512, elementwise;
  napi_create_object(env, &obj);
  napi_create_string_utf8(env, runge::microkernel_name(), NAPI_AUTO_LENGTH, &simd);
  napi_create_int32(env, runge::threads(), &threads);
  napi_get_boolean(env, runge::cpu_has_avx2_fma(), &avx2);
  napi_set_named_property(env, obj, "simd", simd);
  napi_set_named_property(env, obj, "threads", threads);
  napi_set_named_property(env, obj, "cpuHasAvx2Fma", avx2);
  napi_get_boolean(env, runge::avx512_enabled(), &avx512);
  napi_get_boolean(env, runge::cpu_has_avx512(), &hasAvx512);
  napi_set_named_property(env, obj, "avx512", avx512);
  napi_set_named_property(env, obj, "cpuHasAvx512", hasAvx512);
  napi_create_string_utf8(env, runge::elementwise_isa(), NAPI_AUTO_LENGTH, &elementwise);
  napi_set_named_property(env, obj, "elementwise", elementwise);
  return obj;
}

napi_value Init(napi_env env, napi_value exports) {
  runge::select_microkernel(true);
#if defined(__GLIBC__)
  // Every kernel allocates its output (a typed array, calloc'd by Node) and most are freed one
  // step later. Above glibc's default threshold each one is a fresh mmap whose pages fault in on
  // first write, which costs more than a memory-bound kernel itself; serve blocks up to 32 MB
  // from the heap and keep freed memory for reuse instead.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
#endif
  const napi_property_descriptor props[] = {
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"residualConv2d", nullptr, ResidualConv2d, nullptr, nullptr, nullptr, napi_default,
       nullptr},
      {"residualConv2dGrad", nullptr, ResidualConv2dGrad, nullptr, nullptr, nullptr, napi_default,
       nullptr},
      {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr,
       napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, Conv2dBackpropFilter, nullptr, nullptr, nullptr,
       napi_default, nullptr},
      {"matMul", nullptr, MatMul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reluGrad", nullptr, ReluGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sum", nullptr, Sum, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"avgPool", nullptr, AvgPool, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"avgPoolGrad", nullptr, AvgPoolGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setSpin", nullptr, SetSpin, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setSimd", nullptr, SetSimd, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fmaLoop", nullptr, FmaLoop, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setAvx512", nullptr, SetAvx512, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fmaLoop512", nullptr, FmaLoop512, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
