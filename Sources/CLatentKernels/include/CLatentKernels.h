#ifndef CLATENTKERNELS_H
#define CLATENTKERNELS_H

/// Umbrella header: the hot loops of Latent, in C so that they run near the hardware limit
/// without unsafe compiler flags (each kernel is compiled per ISA and selected at run time).
#include "lk_runtime.h"
#include "lk_elementwise.h"
#include "lk_gemm.h"
#include "lk_vmath.h"
#include "lk_reduce.h"
#include "lk_conv.h"
#include "lk_optim.h"
#include "lk_fused.h"
#include "lk_peak.h"

#endif
