// A small fixed-size thread pool: parallel_for hands task indices to the caller and its workers.
#pragma once
#include <functional>

namespace runge {

/** Sets the number of threads (the caller counts as one); 1 runs everything on the caller. */
void set_threads(int n);
/** The number of threads parallel_for uses. */
int threads();
/**
 * Sets how long (microseconds) an idle worker polls for the next call, and the caller for the
 * workers' end, before sleeping; 0 sleeps at once.
 */
void set_spin_microseconds(int us);
/** The current polling time set by set_spin_microseconds. */
int spin_microseconds_now();
/**
 * Runs fn(task, thread) for task in [0, tasks), spread over the pool; returns when all are done.
 * thread is in [0, threads()) and identifies per-thread scratch. Not reentrant.
 */
void parallel_for(int tasks, const std::function<void(int, int)>& fn);

}  // namespace runge
