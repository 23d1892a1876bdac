#ifndef LK_ISA_H
#define LK_ISA_H

/// The instruction set the elementwise kernels use, chosen once (vmath.c):
/// 0 portable, 1 AVX2+FMA, 2 AVX-512; LATENT_VMATH_ISA=avx2|portable forces a lesser one.
int lk_isa_level(void);

#endif
