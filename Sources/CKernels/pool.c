// See xai_pool.h. One run at a time: the caller publishes the task function and a word
// holding (generation, task count, next unclaimed task); workers claim tasks by
// compare-and-swap on that word, so a worker that wakes late can never claim a task of a
// later run with the function of an earlier one: it reads the function only after its
// claim succeeded, and a run cannot end while one of its tasks is claimed but unfinished.

#include "xai_pool.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ __volatile__("yield")
#else
#define cpu_relax() ((void)0)
#endif

// How long a worker keeps spinning after a run before it sleeps, and the most workers kept.
enum { SPIN_NANOSECONDS = 300000, MAX_WORKERS = 63 };

// word = generation << 32 | tasks << 16 | next; tasks and next < 2¹⁶ (XAI_POOL_MAX_TASKS).
static _Atomic uint64_t word;
static xai_task run_task;
static void *run_context;
static _Atomic int64_t finished;

static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static _Atomic int sleeping;

static _Atomic int allowed;                                     // workers taking part in this run

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;   // one run at a time
static int processors = 1;                                      // online processors (set before any worker starts)
static int started;                                             // workers started (under run_lock)
static _Thread_local int inside;                                // this thread is running tasks

static uint64_t generation_of(uint64_t w) { return w >> 32; }

static int64_t now_nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

// Claims and runs tasks of the run whose generation is `generation` until none is left.
static void work(uint64_t generation) {
    uint64_t w = atomic_load_explicit(&word, memory_order_acquire);
    for (;;) {
        if (generation_of(w) != generation) return;
        const uint64_t tasks = (w >> 16) & 0xffff, next = w & 0xffff;
        if (next >= tasks) return;
        if (!atomic_compare_exchange_weak_explicit(&word, &w, w + 1, memory_order_acq_rel, memory_order_acquire))
            continue;
        run_task(run_context, (int64_t)next);
        atomic_fetch_add_explicit(&finished, 1, memory_order_release);
        w = atomic_load_explicit(&word, memory_order_acquire);
    }
}

static void *worker(void *argument) {
    const int index = (int)(intptr_t)argument;
    inside = 1;
    // Signals (Ctrl-C) go to the threads that run the program, never to a worker.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    uint64_t seen = generation_of(atomic_load(&word));
    for (;;) {
        // Spin for a while, then sleep until the next run is published. A worker left out of
        // the last run (fewer threads wanted now) sleeps at once.
        const int64_t deadline = index < atomic_load(&allowed) ? now_nanoseconds() + SPIN_NANOSECONDS : 0;
        uint64_t g;
        for (int spins = 0; (g = generation_of(atomic_load_explicit(&word, memory_order_acquire))) == seen; spins++) {
            cpu_relax();
            if ((spins & 255) != 255) continue;
            if (now_nanoseconds() < deadline) { sched_yield(); continue; }
            pthread_mutex_lock(&sleep_lock);
            atomic_fetch_add(&sleeping, 1);
            while (generation_of(atomic_load(&word)) == seen) pthread_cond_wait(&wake, &sleep_lock);
            atomic_fetch_sub(&sleeping, 1);
            pthread_mutex_unlock(&sleep_lock);
        }
        seen = g;
        if (index < atomic_load(&allowed)) work(g);
    }
    return NULL;
}

static void run_serially(int64_t tasks, xai_task task, void *context) {
    for (int64_t t = 0; t < tasks; t++) task(context, t);
}

void xai_pool_run(int64_t tasks, int64_t threads, xai_task task, void *context) {
    if (tasks <= 1 || threads <= 1 || tasks > XAI_POOL_MAX_TASKS || inside || pthread_mutex_trylock(&run_lock) != 0) {
        run_serially(tasks, task, context);
        return;
    }
    if (started == 0) {
        const long online = sysconf(_SC_NPROCESSORS_ONLN);
        processors = online > 1 ? (int)online : 1;
    }
    // More threads than processors only take turns: tasks beyond that are claimed by the
    // threads there are (the split into tasks, and so the bits, stay the same).
    int64_t helpers = (tasks < threads ? tasks : threads) - 1;
    if (helpers > processors - 1) helpers = processors - 1;
    const int wanted = (int)(helpers < MAX_WORKERS ? helpers : MAX_WORKERS);
    while (started < wanted) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, worker, (void *)(intptr_t)started) != 0) break;
        pthread_detach(thread);
        started++;
    }
    atomic_store(&allowed, wanted < started ? wanted : started);
    inside = 1;
    run_task = task;
    run_context = context;
    atomic_store_explicit(&finished, 0, memory_order_relaxed);
    const uint64_t generation = generation_of(atomic_load(&word)) + 1;
    atomic_store(&word, generation << 32 | (uint64_t)tasks << 16);   // publishes task and context
    if (atomic_load(&sleeping) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&sleep_lock);
    }
    work(generation);
    for (int spins = 0; atomic_load_explicit(&finished, memory_order_acquire) < tasks; spins++) {
        cpu_relax();
        if ((spins & 255) == 255) sched_yield();   // a busy machine: let the workers run
    }
    inside = 0;
    pthread_mutex_unlock(&run_lock);
}
