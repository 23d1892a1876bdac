// Persistent worker threads for the parallel kernels (gemm.c, and Swift's Threads.parallelFor).
//
// A product at the sizes this library sees takes 0.1-5 ms, an elementwise pass 5-50 µs, while
// handing work to a sleeping thread (DispatchQueue.concurrentPerform, or a condition variable)
// costs tens of microseconds. So workers poll for the next job for a while after each one before
// they sleep, and the caller, which works on the job too, polls for their completion.
// Workers are created on first need and live for the rest of the process.
//
// A job is a fixed number of chunks, claimed one at a time from a shared counter by the caller
// and the workers (dynamic scheduling over fixed chunk boundaries). Whoever runs a chunk, it
// computes the same bits, so results depend only on how the caller cut the job, never on timing;
// and a worker the machine has descheduled (other processes on the cores) delays the job by at
// most the chunk it holds, instead of by its whole share: the caller simply takes the chunks it
// does not claim. A worker that only wakes after every chunk is claimed has nothing to wait for:
// the caller closes the job when its counter runs out and waits only for workers that entered
// before (the `active` count; see pool_run_chunks).
//
// One job runs at a time. A caller that finds the pool busy (another thread's job is running, or
// a call from inside a job) runs every chunk itself, in order.

// clock_gettime and sysconf are POSIX, CPU affinity is a GNU extension: ask for them should the
// package compile with a strict -std.
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
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

/// How long an idle worker polls for the next job before it sleeps: back-to-back jobs (the ops
/// of a forward or backward pass) start without a wake-up, and an idle process stops using the
/// CPU soon after.
#define IDLE_POLL_NS 200000L
/// Polls between clock reads while idle, and between yields of the CPU while waiting for workers.
#define POLLS_PER_CHECK 256
#define MAX_THREADS 64

static struct {
    pthread_mutex_t busy;  // held by the caller whose job runs
    pthread_mutex_t sleep_lock;
    pthread_cond_t wake;
    atomic_int sleepers;        // workers blocked, or about to block, on `wake`
    int started;                // workers [1, started) exist; index 0 is the caller
    atomic_ulong posted;        // sequence number of the latest job handed out
    atomic_ulong open;          // the running job's sequence number, 0 once it is closed
    atomic_int active;          // workers inside the current job (entered, not yet left)
    atomic_long next_chunk;     // the next unclaimed chunk of the current job
    // The current job: written by the caller before it posts the job, read by entered workers.
    void (*body)(void *ctx, long chunk);
    void *ctx;
    long chunks;
    int nthreads;               // workers with index < nthreads take part
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

/// Claims and runs chunks of the current job until none is left.
static void run_chunks(void) {
    for (;;) {
        const long c = atomic_fetch_add_explicit(&pool.next_chunk, 1, memory_order_relaxed);
        if (c >= pool.chunks) return;
        pool.body(pool.ctx, c);
    }
}

static void *worker_main(void *arg) {
    const int index = (int)(long)arg;
    unsigned long seen = 0;
    for (;;) {
        const long deadline = now_ns() + IDLE_POLL_NS;
        for (long polls = 1; atomic_load_explicit(&pool.posted, memory_order_acquire) == seen; polls++) {
            cpu_relax();
            if (polls % POLLS_PER_CHECK == 0 && now_ns() > deadline) {
                // `sleepers` is raised before `posted` is re-read, and the caller raises `posted`
                // before it reads `sleepers` (all sequentially consistent): either this worker sees
                // the job or the caller sees a sleeper and signals.
                pthread_mutex_lock(&pool.sleep_lock);
                atomic_fetch_add(&pool.sleepers, 1);
                while (atomic_load(&pool.posted) == seen) pthread_cond_wait(&pool.wake, &pool.sleep_lock);
                atomic_fetch_sub(&pool.sleepers, 1);
                pthread_mutex_unlock(&pool.sleep_lock);
            }
        }
        seen = atomic_load(&pool.posted);
        // Enter, then check that the job is still open (both sequentially consistent, against the
        // caller's close-then-read-active): either the caller waits for this worker, or this
        // worker sees the job closed and leaves without touching it.
        atomic_fetch_add(&pool.active, 1);
        if (atomic_load(&pool.open) == seen && index < pool.nthreads) run_chunks();
        atomic_fetch_sub_explicit(&pool.active, 1, memory_order_release);
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
    atomic_store(&pool.active, 0);
    atomic_store(&pool.open, 0);
}

static long online_cpus;
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

static void setup(void) {
    online_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    pthread_atfork(NULL, NULL, forget_workers_after_fork);
}

/// With LATENT_PIN_THREADS=1 (Linux only), pins worker `index` to the index-th CPU the process may
/// use, leaving the first to the caller. Meant against a scheduler that keeps a worker on the
/// caller's CPU for a whole run (a bimodal two-thread rate seen on Zen 4); off by default because
/// interleaved runs on Zen 5 showed no gain (within the VM's ±15 % noise) and, with another
/// process on a core, a pinned worker cannot move away from it (docs/BENCHMARKS.md, 2026-12-07).
/// Nothing is pinned when the process may use fewer CPUs than the pool has threads (an MPI rank
/// bound to one core, a cgroup limit), so workers never crowd onto a CPU the caller needs.
static void pin_worker(pthread_t thread, int index, int threads) {
#if defined(__linux__)
    const char *want = getenv("LATENT_PIN_THREADS");
    if (!want || want[0] != '1') return;
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < threads) return;
    for (int cpu = 0, seen = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        if (seen++ == index) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            pthread_setaffinity_np(thread, sizeof one, &one);
            return;
        }
    }
#else
    (void)thread; (void)index; (void)threads;
#endif
}

/// Starts workers until `want` threads (caller included) exist; returns how many do.
static int start_workers(int want) {
    while (pool.started < want) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, worker_main, (void *)(long)pool.started) != 0) break;
        pin_worker(thread, pool.started, want);
        pthread_detach(thread);
        pool.started++;
    }
    return pool.started < want ? pool.started : want;
}

void lk_pool_run_chunks(int nthreads, long chunks, void (*body)(void *ctx, long chunk), void *ctx) {
    if (chunks <= 0) return;
    pthread_once(&setup_once, setup);
    // More threads than cores would turn every poll into a wait for a time slice.
    if (online_cpus > 0 && nthreads > online_cpus) nthreads = (int)online_cpus;
    if (nthreads > MAX_THREADS) nthreads = MAX_THREADS;
    if (nthreads > chunks) nthreads = (int)chunks;
    if (nthreads < 2 || pthread_mutex_trylock(&pool.busy) != 0) {
        for (long c = 0; c < chunks; c++) body(ctx, c);
        return;
    }
    nthreads = start_workers(nthreads);
    pool.body = body;
    pool.ctx = ctx;
    pool.chunks = chunks;
    pool.nthreads = nthreads;
    atomic_store_explicit(&pool.next_chunk, 0, memory_order_relaxed);
    const unsigned long seq = atomic_load_explicit(&pool.posted, memory_order_relaxed) + 1;
    atomic_store(&pool.open, seq);
    atomic_store(&pool.posted, seq);
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.sleep_lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.sleep_lock);
    }
    run_chunks();
    // Every chunk is claimed: close the job, then wait for the workers that entered it.
    atomic_store(&pool.open, 0);
    for (long polls = 1; atomic_load(&pool.active) != 0; polls++) {
        cpu_relax();
        // A preempted worker (busy machine) needs this core back to finish its chunk.
        if (polls % POLLS_PER_CHECK == 0) sched_yield();
    }
    pthread_mutex_unlock(&pool.busy);
}
