// The element-wise, reduction and pooling loops compiled for AVX2 and FMA (256-bit vectors); run
// only after the runtime CPU check (elementwise.cc picks them).
#include <cstring>

#include "elementwise-isa.h"

#if defined(__x86_64__) || defined(__i386__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
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

const ElementwiseLoops& elementwise_loops_avx2() { return LOOPS; }

}  // namespace runge
