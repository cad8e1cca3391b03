// A pool of worker threads that stay awake briefly between parallel regions.
//
// The engine splits a product or an elementwise loop into a few independent tasks, often
// every few tens of microseconds. Waking a sleeping thread costs about as much as such a
// task, so workers spin for a short while after each region before they sleep. Which thread
// runs which task never matters: tasks write disjoint outputs, so results do not depend on
// scheduling.
#pragma once
#include <stdint.h>

typedef void (*xai_task)(void *context, int64_t task);

// Runs task(context, t) for t in 0..<tasks on the caller and up to threads − 1 workers, never
// more threads than the machine has processors (tasks are claimed one at a time, so any
// number of tasks shares the threads there are), and returns when all are done. A call from
// inside a task, from a second thread while a run is in progress, or with
// tasks > XAI_POOL_MAX_TASKS runs the tasks one after another on the caller.
enum { XAI_POOL_MAX_TASKS = 1024 };
void xai_pool_run(int64_t tasks, int64_t threads, xai_task task, void *context);
