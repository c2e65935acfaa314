// The element-wise, reduction and pooling loops compiled for AVX-512F (512-bit vectors); run only
// after the runtime CPU check (elementwise.cc picks them).
#include <cstring>

#include "elementwise-isa.h"

#if defined(__x86_64__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#if __GNUC__ >= 8
// Without prefer-vector-width GCC's generic tuning may vectorise with 256-bit registers only.
#pragma GCC target("avx512f,avx2,fma,prefer-vector-width=512")
#else
#pragma GCC target("avx512f,avx2,fma")
#endif
#endif
#define RUNGE_TARGET_PUSHED 1
#endif

#include "elementwise-loops.inc"

#if defined(RUNGE_TARGET_PUSHED)
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

namespace runge {

const ElementwiseLoops& elementwise_loops_avx512() { return LOOPS; }

}  // namespace runge
