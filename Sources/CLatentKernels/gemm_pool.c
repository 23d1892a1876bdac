// Persistent worker threads for the parallel GEMM driver (gemm.c).
//
// A product at the sizes this library sees takes 0.1-5 ms, while handing work to a sleeping
// thread (DispatchQueue.concurrentPerform, or a condition variable) costs tens of microseconds —
// 10-15% of a 128×784×400 product. So workers poll for the next job for a while after each one
// before they sleep, and the caller, which runs share 0 itself, polls for their completion.
// Workers are created on first need and live for the rest of the process.
//
// One job runs at a time. A caller that finds the pool busy (another thread's product is running)
// computes alone — the split never changes the result bits, only the speed.

// clock_gettime and sysconf are POSIX: ask for them should the package compile with a strict -std.
#if !defined(_POSIX_C_SOURCE) && !defined(__APPLE__)
#define _POSIX_C_SOURCE 200809L
#endif
#include "gemm_internal.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/// How long an idle worker polls for the next job before it sleeps: back-to-back products (the
/// layers of a forward or backward pass) start without a wake-up, and an idle process stops using
/// the CPU soon after.
#define IDLE_POLL_NS 200000L
/// Polls between clock reads while idle, and between yields of the CPU while waiting for workers.
#define POLLS_PER_CHECK 256
#define MAX_THREADS 64

typedef struct {
    pthread_t thread;
    int index;
    atomic_uint jobs;  // jobs handed to this worker; it runs one each time this grows
} worker;

static struct {
    pthread_mutex_t busy;  // held by the caller whose job runs
    pthread_mutex_t sleep_lock;
    pthread_cond_t wake;
    atomic_int sleepers;   // workers blocked, or about to block, on `wake`
    worker *workers[MAX_THREADS];  // [1, started) exist; share 0 is the caller's
    int started;
    // The current job: written by the caller before it hands the job out, read by the workers after.
    void (*body)(void *ctx, int t, int nthreads);
    void *ctx;
    int nthreads;
    atomic_int remaining;  // workers that have not finished the current job
} pool = {
    .busy = PTHREAD_MUTEX_INITIALIZER,
    .sleep_lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
    .started = 1,
};

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(_M_X64)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm64__)
    __asm__ __volatile__("yield");
#endif
}

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void *worker_main(void *arg) {
    worker *w = arg;
    unsigned done = 0;
    for (;;) {
        const long deadline = now_ns() + IDLE_POLL_NS;
        for (long polls = 1; atomic_load_explicit(&w->jobs, memory_order_acquire) == done; polls++) {
            cpu_relax();
            if (polls % POLLS_PER_CHECK == 0 && now_ns() > deadline) {
                // `sleepers` is raised before `jobs` is re-read, and the caller raises `jobs` before it
                // reads `sleepers` (all sequentially consistent): either this worker sees the job
                // or the caller sees a sleeper and signals.
                pthread_mutex_lock(&pool.sleep_lock);
                atomic_fetch_add(&pool.sleepers, 1);
                while (atomic_load(&w->jobs) == done) pthread_cond_wait(&pool.wake, &pool.sleep_lock);
                atomic_fetch_sub(&pool.sleepers, 1);
                pthread_mutex_unlock(&pool.sleep_lock);
            }
        }
        done++;
        pool.body(pool.ctx, w->index, pool.nthreads);
        atomic_fetch_sub_explicit(&pool.remaining, 1, memory_order_release);
    }
    return NULL;
}

/// In a forked child only the forking thread exists: forget the workers so that the child starts
/// its own, and reset the locks that threads of the parent may have held at the fork.
static void forget_workers_after_fork(void) {
    pool.started = 1;
    pthread_mutex_init(&pool.busy, NULL);
    pthread_mutex_init(&pool.sleep_lock, NULL);
    pthread_cond_init(&pool.wake, NULL);
    atomic_store(&pool.sleepers, 0);
}

static long online_cpus;
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

static void setup(void) {
    online_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    pthread_atfork(NULL, NULL, forget_workers_after_fork);
}

/// Starts workers until `want` threads (caller included) exist; returns how many do.
static int start_workers(int want) {
    while (pool.started < want) {
        worker *w = calloc(1, sizeof *w);
        if (!w) break;
        w->index = pool.started;
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            free(w);
            break;
        }
        pthread_detach(w->thread);
        pool.workers[pool.started++] = w;
    }
    return pool.started < want ? pool.started : want;
}

void lk_pool_run(int nthreads, void (*body)(void *ctx, int t, int nthreads), void *ctx) {
    pthread_once(&setup_once, setup);
    // More threads than cores would turn every poll into a wait for a time slice.
    if (online_cpus > 0 && nthreads > online_cpus) nthreads = (int)online_cpus;
    if (nthreads > MAX_THREADS) nthreads = MAX_THREADS;
    if (nthreads < 2 || pthread_mutex_trylock(&pool.busy) != 0) {
        body(ctx, 0, 1);
        return;
    }
    nthreads = start_workers(nthreads);
    pool.body = body;
    pool.ctx = ctx;
    pool.nthreads = nthreads;
    atomic_store(&pool.remaining, nthreads - 1);
    for (int t = 1; t < nthreads; t++) atomic_fetch_add(&pool.workers[t]->jobs, 1);
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.sleep_lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.sleep_lock);
    }
    body(ctx, 0, nthreads);
    for (long polls = 1; atomic_load_explicit(&pool.remaining, memory_order_acquire) != 0; polls++) {
        cpu_relax();
        // A preempted worker (busy machine) needs this core back to finish.
        if (polls % POLLS_PER_CHECK == 0) sched_yield();
    }
    pthread_mutex_unlock(&pool.busy);
}
