#ifndef LK_RUNTIME_H
#define LK_RUNTIME_H

/// Thread-local "record gradients" switch for the autodiff tape (1 = record, the default).
/// Kept in C because a C11 thread-local is the cheapest per-thread flag reachable from Swift.
int lk_grad_enabled(void);
void lk_set_grad_enabled(int enabled);

/// 64-byte aligned allocation for tensor storage and packing buffers; free with lk_free.
float *lk_alloc(long count);
void lk_free(float *p);

#endif
