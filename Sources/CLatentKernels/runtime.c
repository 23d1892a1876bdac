// Per-thread autodiff switch and aligned allocation.
#include "lk_runtime.h"
#include <stdlib.h>

static _Thread_local int grad_disabled = 0;

int lk_grad_enabled(void) { return !grad_disabled; }
void lk_set_grad_enabled(int enabled) { grad_disabled = !enabled; }

float *lk_alloc(long count) {
    void *p = NULL;
    // 64-byte alignment suits AVX-512 loads; never ask for zero bytes so every tensor has an address.
    size_t bytes = (size_t)(count > 0 ? count : 1) * sizeof(float);
    if (posix_memalign(&p, 64, bytes) != 0) return NULL;
    return (float *)p;
}

void lk_free(float *p) { free(p); }
