// Bounded concurrency for the Internet's outgoing work (recipient HTTP requests, DSN sends) and
// cancellable timers for work planned later: stop() must not leave anything running.

export class TaskQueue {
  private readonly waiting: (() => Promise<void>)[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  /** Run `task` when a slot is free. Tasks handle their own errors; a throw is swallowed. */
  push(task: () => Promise<void>): void {
    this.waiting.push(task);
    this.next();
  }

  get inFlight(): number {
    return this.running;
  }
  get queued(): number {
    return this.waiting.length;
  }

  /** Forget the tasks not started yet. */
  clear(): void {
    this.waiting.length = 0;
  }

  /** Resolves true once nothing runs, false if `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private next(): void {
    while (this.running < this.concurrency && this.waiting.length) {
      const task = this.waiting.shift()!;
      this.running++;
      void task()
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.next();
          if (this.running === 0 && this.waiting.length === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            for (const w of waiters) w();
          }
        });
    }
  }
}

/** Timers that can all be cancelled at once. */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();

  after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  get pending(): number {
    return this.timers.size;
  }

  cancelAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/**
 * Work planned for later and then run with bounded concurrency, stopped all at once: what the
 * simulated Internet's actors (recipients who open and click, MXs that send DSNs) share.
 */
export class DelayedWork {
  private readonly timers = new Scheduler();
  private readonly queue: TaskQueue;
  private halted = false;

  constructor(concurrency: number) {
    this.queue = new TaskQueue(concurrency);
  }

  get stopped(): boolean {
    return this.halted;
  }

  /** Call `fn` after `ms`, unless stopped by then. */
  after(ms: number, fn: () => void): void {
    if (!this.stopped) this.timers.after(ms, fn);
  }

  /** Run `task` when a slot is free, unless stopped. */
  push(task: () => Promise<void>): void {
    if (!this.stopped) this.queue.push(task);
  }

  stats(): { scheduled: number; queued: number; inFlight: number } {
    return { scheduled: this.timers.pending, queued: this.queue.queued, inFlight: this.queue.inFlight };
  }

  /** Forget planned and queued work, wait up to `graceMs` for what is running. */
  async stop(graceMs: number): Promise<void> {
    this.halted = true;
    this.timers.cancelAll();
    this.queue.clear();
    await this.queue.idle(graceMs);
  }
}
