#ifndef LK_RUNTIME_H
#define LK_RUNTIME_H

/// Thread-local "record gradients" switch for the autodiff tape (1 = record, the default).
/// Kept in C because a C11 thread-local is the cheapest per-thread flag reachable from Swift.
int lk_grad_enabled(void);
void lk_set_grad_enabled(int enabled);

/// 64-byte aligned allocation of `count` floats for tensor storage and packing buffers; free
/// with lk_free. Freed blocks of 16 KB and more are cached by size class (up to 1 GB in all) and
/// reused by later allocations of the same class, which spares a training step the page faults
/// of fresh memory for its large tensors.
float *lk_alloc(long count);
void lk_free(float *p);

/// Bytes currently held by the cache of freed blocks.
long lk_alloc_cached_bytes(void);
/// Returns every cached block to the system allocator.
void lk_alloc_release_cache(void);

/// Non-zero while the engine's profiler records (set by LatentTensor's `Profiler`): the one flag
/// the hot paths test, a plain global so that the test is a single load.
extern int lk_profiling;
static inline int lk_profiling_enabled(void) { return lk_profiling; }

/// The calling thread's count of lk_alloc calls made while profiling, and their bytes (running totals).
void lk_allocation_counts(long *allocations, long *bytes);

#endif
