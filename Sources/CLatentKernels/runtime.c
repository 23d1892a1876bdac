// Per-thread autodiff switch and aligned allocation with a cache of freed large blocks.
//
// A training step frees and re-allocates the same tensor sizes every step. glibc serves blocks
// of ≥ 128 KB (its default mmap threshold) with fresh mmap'd pages and returns them to the
// system on free, so every step paid a page fault per 4 KB of every large tensor. Freed blocks
// of ≥ LK_CACHE_MIN_BYTES are therefore kept in size classes (4 per power of two, ≤ 25% slack)
// and handed out again; the cache holds at most LK_CACHE_LIMIT_BYTES and never a single block
// above LK_CACHE_MAX_BLOCK. Every block carries a 64-byte header (its size class and, while
// cached, the next free block), which keeps the returned pointer 64-byte aligned.
#include "lk_runtime.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

static _Thread_local int grad_disabled = 0;

int lk_profiling = 0;
static _Thread_local long profiled_allocations = 0, profiled_bytes = 0;

void lk_allocation_counts(long *allocations, long *bytes) {
    *allocations = profiled_allocations;
    *bytes = profiled_bytes;
}

int lk_grad_enabled(void) { return !grad_disabled; }
void lk_set_grad_enabled(int enabled) { grad_disabled = !enabled; }

#define LK_HEADER 64
#define LK_CACHE_MIN_SHIFT 14                       // 16 KB
#define LK_CACHE_MIN_BYTES (1L << LK_CACHE_MIN_SHIFT)
#define LK_CACHE_MAX_SHIFT 27                       // classes up to 128 MB
#define LK_CACHE_MAX_BLOCK (1L << LK_CACHE_MAX_SHIFT)
#define LK_CACHE_LIMIT_BYTES (1L << 30)             // at most 1 GB kept
#define LK_CLASSES ((LK_CACHE_MAX_SHIFT - LK_CACHE_MIN_SHIFT + 1) * 4)

typedef struct block_header {
    long cls;                    // size class, or −1 for blocks that are never cached
    struct block_header *next;   // next cached block of the same class
} block_header;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static block_header *cache_bins[LK_CLASSES];
static long cache_bytes = 0;

// The class of a request of `bytes` (≥ LK_CACHE_MIN_BYTES, ≤ LK_CACHE_MAX_BLOCK) and its capacity:
// 2^k · {1, 1.25, 1.5, 1.75}, the smallest that holds `bytes`.
static long size_class(long bytes, long *capacity) {
    int k = 63 - __builtin_clzl((unsigned long)bytes);      // 2^k ≤ bytes < 2^(k+1)
    long base = 1L << k, quarter = base >> 2;
    long q = (bytes - base + quarter - 1) / quarter;          // 0…4 quarters above 2^k
    if (q == 4) { k += 1; q = 0; base <<= 1; quarter <<= 1; }
    *capacity = base + q * quarter;
    return (k - LK_CACHE_MIN_SHIFT) * 4 + q;
}

static long class_capacity(long cls) {
    long base = 1L << (cls / 4 + LK_CACHE_MIN_SHIFT);
    return base + (cls % 4) * (base >> 2);
}

float *lk_alloc(long count) {
    // Never ask for zero bytes, so every tensor has an address.
    long bytes = (count > 0 ? count : 1) * (long)sizeof(float);
    if (lk_profiling) {
        profiled_allocations += 1;
        profiled_bytes += count * (long)sizeof(float);
    }
    long cls = -1, capacity = bytes;
    if (bytes >= LK_CACHE_MIN_BYTES && bytes <= LK_CACHE_MAX_BLOCK) {
        cls = size_class(bytes, &capacity);
        pthread_mutex_lock(&cache_lock);
        block_header *h = cache_bins[cls];
        if (h) {
            cache_bins[cls] = h->next;
            cache_bytes -= capacity;
        }
        pthread_mutex_unlock(&cache_lock);
        if (h) return (float *)((char *)h + LK_HEADER);
    }
    void *p = NULL;
    if (posix_memalign(&p, 64, (size_t)(capacity + LK_HEADER)) != 0) return NULL;
    block_header *h = (block_header *)p;
    h->cls = cls;
    h->next = NULL;
    return (float *)((char *)p + LK_HEADER);
}

void lk_free(float *p) {
    if (!p) return;
    block_header *h = (block_header *)((char *)p - LK_HEADER);
    if (h->cls >= 0) {
        long capacity = class_capacity(h->cls);
        pthread_mutex_lock(&cache_lock);
        int keep = cache_bytes + capacity <= LK_CACHE_LIMIT_BYTES;
        if (keep) {
            h->next = cache_bins[h->cls];
            cache_bins[h->cls] = h;
            cache_bytes += capacity;
        }
        pthread_mutex_unlock(&cache_lock);
        if (keep) return;
    }
    free(h);
}

long lk_alloc_cached_bytes(void) {
    pthread_mutex_lock(&cache_lock);
    long b = cache_bytes;
    pthread_mutex_unlock(&cache_lock);
    return b;
}

void lk_alloc_release_cache(void) {
    pthread_mutex_lock(&cache_lock);
    for (int c = 0; c < LK_CLASSES; c++) {
        block_header *h = cache_bins[c];
        while (h) {
            block_header *next = h->next;
            free(h);
            h = next;
        }
        cache_bins[c] = NULL;
    }
    cache_bytes = 0;
    pthread_mutex_unlock(&cache_lock);
}
