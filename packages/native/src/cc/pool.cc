// The thread pool behind parallel_for: persistent workers woken per call, tasks taken from an
// atomic counter so uneven tasks balance.
#include "pool.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace runge {
namespace {

struct Pool {
  std::vector<std::thread> workers;
  std::mutex mu;
  std::condition_variable wake;
  std::condition_variable done;
  const std::function<void(int, int)>* job = nullptr;
  int tasks = 0;
  std::atomic<int> next{0};
  int running = 0;
  unsigned long generation = 0;
  bool stop = false;
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

void worker_main(Pool* p, int tid) {
  unsigned long seen = 0;
  for (;;) {
    const std::function<void(int, int)>* job;
    int tasks;
    {
      std::unique_lock<std::mutex> lock(p->mu);
      p->wake.wait(lock, [&] { return p->stop || p->generation != seen; });
      if (p->stop) return;
      seen = p->generation;
      job = p->job;
      tasks = p->tasks;
    }
    work(p, tid, *job, tasks);
    {
      std::lock_guard<std::mutex> lock(p->mu);
      if (--p->running == 0) p->done.notify_one();
    }
  }
}

void shutdown() {
  if (pool == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(pool->mu);
    pool->stop = true;
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

void parallel_for(int tasks, const std::function<void(int, int)>& fn) {
  if (tasks <= 0) return;
  if (pool == nullptr || tasks == 1) {
    for (int t = 0; t < tasks; t++) fn(t, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(pool->mu);
    pool->job = &fn;
    pool->tasks = tasks;
    pool->next.store(0);
    pool->running = static_cast<int>(pool->workers.size());
    pool->generation++;
  }
  pool->wake.notify_all();
  work(pool, 0, fn, tasks);
  std::unique_lock<std::mutex> lock(pool->mu);
  pool->done.wait(lock, [&] { return pool->running == 0; });
}

}  // namespace runge
