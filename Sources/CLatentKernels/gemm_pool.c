// Persistent worker threads for the parallel GEMM driver (gemm.c).
//
// A product at the sizes this library sees takes 0.1-5 ms, and waking a sleeping thread costs
// tens of microseconds, so workers spin for a while after each job before they sleep, and
// the threads inside a job synchronize through a spinning barrier. The calling thread is
// participant 0; workers are created on first need and live for the rest of the process.
//
// One job runs at a time. A caller that finds the pool busy (another thread's product is running)
// gets no workers and computes alone — the result bits do not depend on the split, so this only
// changes speed, never values.
#include "gemm_internal.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/// How long an idle worker polls for the next job before it sleeps. Back-to-back products (a
/// forward and its backward, consecutive layers) then start without a wake-up, while a worker of
/// an idle process stops using the CPU after this long.
#define IDLE_SPIN_NS 200000L
/// Polls between clock reads (and, in waits inside a job, between yields of the CPU).
#define POLLS_PER_CHECK 256
#define MAX_THREADS 64

typedef struct {
    pthread_t thread;
    int index;
    atomic_uint go;  // the caller bumps it to hand this worker the current job
} worker;

static struct {
    pthread_mutex_t busy;  // held by the caller whose job the pool runs
    pthread_mutex_t sleep_lock;
    pthread_cond_t wake;
    atomic_int sleepers;   // workers blocked (or about to block) on `wake`
    worker *workers[MAX_THREADS];  // [1, started) exist; slot 0 is the caller
    int started;
    unsigned generation;
    // The current job; written by the caller before it bumps `go`, read by the workers after.
    void (*body)(void *ctx, int t);
    void *ctx;
    int nthreads;
    atomic_int remaining;  // workers that have not finished the current job
    atomic_int arrived;    // barrier: participants that reached the current phase
    atomic_uint phase;
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

/// One poll of a wait inside a job. The other participants run the same job, so such waits are
/// short; yielding now and then keeps them live when a participant has been preempted.
static inline void backoff(long polls) {
    cpu_relax();
    if (polls % POLLS_PER_CHECK == 0) sched_yield();
}

static void *worker_main(void *arg) {
    worker *w = arg;
    unsigned seen = 0;
    for (;;) {
        unsigned go = atomic_load_explicit(&w->go, memory_order_acquire);
        long deadline = now_ns() + IDLE_SPIN_NS;
        for (long polls = 1; go == seen; polls++) {
            cpu_relax();
            go = atomic_load_explicit(&w->go, memory_order_acquire);
            if (go == seen && polls % POLLS_PER_CHECK == 0 && now_ns() > deadline) {
                // `sleepers` is raised before `go` is re-read and the caller bumps `go` before it reads
                // `sleepers` (both sequentially consistent): either this worker sees the job or the
                // caller sees a sleeper and signals.
                pthread_mutex_lock(&pool.sleep_lock);
                atomic_fetch_add(&pool.sleepers, 1);
                while ((go = atomic_load(&w->go)) == seen) pthread_cond_wait(&pool.wake, &pool.sleep_lock);
                atomic_fetch_sub(&pool.sleepers, 1);
                pthread_mutex_unlock(&pool.sleep_lock);
            }
        }
        seen = go;
        pool.body(pool.ctx, w->index);
        atomic_fetch_sub_explicit(&pool.remaining, 1, memory_order_release);
    }
    return NULL;
}

/// In a forked child only the forking thread exists: forget the workers so that the child starts
/// its own, and unlock what the parent's threads may have held at the fork.
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

int lk_pool_acquire(int nthreads) {
    pthread_once(&setup_once, setup);
    // More threads than cores would turn every spinning wait into a wait for a time slice.
    if (online_cpus > 0 && nthreads > online_cpus) nthreads = (int)online_cpus;
    if (nthreads > MAX_THREADS) nthreads = MAX_THREADS;
    if (nthreads < 2 || pthread_mutex_trylock(&pool.busy) != 0) return 1;
    int granted = start_workers(nthreads);
    if (granted < 2) pthread_mutex_unlock(&pool.busy);
    return granted;
}

void lk_pool_run(int nthreads, void (*body)(void *ctx, int t), void *ctx) {
    pool.body = body;
    pool.ctx = ctx;
    pool.nthreads = nthreads;
    atomic_store_explicit(&pool.arrived, 0, memory_order_relaxed);
    atomic_store(&pool.remaining, nthreads - 1);
    pool.generation++;
    for (int t = 1; t < nthreads; t++) atomic_store(&pool.workers[t]->go, pool.generation);
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.sleep_lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.sleep_lock);
    }
    body(ctx, 0);
    for (long polls = 1; atomic_load_explicit(&pool.remaining, memory_order_acquire) != 0; polls++) backoff(polls);
}

void lk_pool_release(void) { pthread_mutex_unlock(&pool.busy); }

void lk_pool_barrier(void) {
    unsigned phase = atomic_load(&pool.phase);
    if (atomic_fetch_add(&pool.arrived, 1) == pool.nthreads - 1) {
        atomic_store(&pool.arrived, 0);
        atomic_store(&pool.phase, phase + 1);
        return;
    }
    for (long polls = 1; atomic_load(&pool.phase) == phase; polls++) backoff(polls);
}
