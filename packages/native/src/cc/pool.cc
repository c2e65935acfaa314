// The thread pool behind parallel_for: persistent workers woken per call, tasks taken from an
// atomic counter so uneven tasks balance. Workers poll for the next call for a short while
// before they sleep, so the kernels of a training step, which follow each other within
// microseconds, do not each pay for waking a sleeping thread (on a virtual machine, a halted
// virtual CPU).
#include "pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <immintrin.h>
#define RUNGE_PAUSE() _mm_pause()
#else
#define RUNGE_PAUSE() ((void)0)
#endif

namespace runge {
namespace {

using Clock = std::chrono::steady_clock;

/** How long an idle thread polls for the next call or for the workers' end before it sleeps. */
int spin_microseconds = 200;

struct Pool {
  std::vector<std::thread> workers;
  std::mutex mu;
  std::condition_variable wake;
  std::condition_variable done;
  const std::function<void(int, int)>* job = nullptr;
  int tasks = 0;
  std::atomic<int> next{0};
  std::atomic<int> running{0};
  std::atomic<unsigned long> generation{0};
  /** Workers asleep on `wake`, and whether the caller sleeps on `done` (both under mu). */
  int sleepers = 0;
  bool caller_sleeps = false;
  std::atomic<bool> stop{false};
};

Pool* pool = nullptr;
int thread_count = 1;

void work(Pool* p, int tid, const std::function<void(int, int)>& fn, int tasks) {
  for (;;) {
    int t = p->next.fetch_add(1);
    if (t >= tasks) break;
    fn(t, tid);
  }
}

/** Polls `ready` for up to spin_microseconds; true as soon as it holds. */
template <typename Ready>
bool spin_until(Ready ready) {
  if (ready()) return true;
  if (spin_microseconds <= 0) return false;
  const auto end = Clock::now() + std::chrono::microseconds(spin_microseconds);
  for (;;) {
    for (int i = 0; i < 64; i++) {
      RUNGE_PAUSE();
      if (ready()) return true;
    }
    // Give the core away if another thread waits for it (more threads than cores): the thread
    // this one waits for may be that one.
    std::this_thread::yield();
    if (Clock::now() >= end) return false;
  }
}

void worker_main(Pool* p, int tid) {
  unsigned long seen = 0;
  for (;;) {
    auto called = [&] {
      return p->stop.load(std::memory_order_acquire) ||
             p->generation.load(std::memory_order_acquire) != seen;
    };
    if (!spin_until(called)) {
      std::unique_lock<std::mutex> lock(p->mu);
      p->sleepers++;
      p->wake.wait(lock, called);
      p->sleepers--;
    }
    if (p->stop.load(std::memory_order_acquire)) return;
    seen = p->generation.load(std::memory_order_acquire);
    work(p, tid, *p->job, p->tasks);
    if (p->running.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(p->mu);
      if (p->caller_sleeps) p->done.notify_one();
    }
  }
}

void shutdown() {
  if (pool == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(pool->mu);
    pool->stop.store(true, std::memory_order_release);
  }
  pool->wake.notify_all();
  for (auto& w : pool->workers) w.join();
  delete pool;
  pool = nullptr;
}

}  // namespace

void set_threads(int n) {
  if (n < 1) n = 1;
  if (n == thread_count) return;
  shutdown();
  thread_count = n;
  if (n > 1) {
    pool = new Pool();
    for (int i = 1; i < n; i++) pool->workers.emplace_back(worker_main, pool, i);
  }
}

int threads() { return thread_count; }

void set_spin_microseconds(int us) { spin_microseconds = us < 0 ? 0 : us; }

int spin_microseconds_now() { return spin_microseconds; }

void parallel_for(int tasks, const std::function<void(int, int)>& fn) {
  if (tasks <= 0) return;
  if (pool == nullptr || tasks == 1) {
    for (int t = 0; t < tasks; t++) fn(t, 0);
    return;
  }
  // Publish the call: the job first, then the generation that workers watch (release).
  pool->job = &fn;
  pool->tasks = tasks;
  pool->next.store(0, std::memory_order_relaxed);
  pool->running.store(static_cast<int>(pool->workers.size()), std::memory_order_relaxed);
  pool->generation.fetch_add(1, std::memory_order_release);
  {
    // A worker that checked the generation before it changed is asleep or about to wait under
    // the lock; taking the lock here orders this notification after its wait.
    std::lock_guard<std::mutex> lock(pool->mu);
    if (pool->sleepers > 0) pool->wake.notify_all();
  }
  work(pool, 0, fn, tasks);
  auto finished = [] { return pool->running.load(std::memory_order_acquire) == 0; };
  if (spin_until(finished)) return;
  std::unique_lock<std::mutex> lock(pool->mu);
  pool->caller_sleeps = true;
  pool->done.wait(lock, finished);
  pool->caller_sleeps = false;
}

}  // namespace runge
