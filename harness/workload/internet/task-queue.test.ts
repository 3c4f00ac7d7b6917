import { describe, expect, it } from 'vitest';
import { Scheduler, TaskQueue } from './task-queue.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('TaskQueue', () => {
  it('never runs more than its concurrency and survives failing tasks', async () => {
    const q = new TaskQueue(3);
    let running = 0;
    let peak = 0;
    let done = 0;
    for (let i = 0; i < 20; i++) {
      q.push(async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(2);
        running--;
        done++;
        if (i % 5 === 0) throw new Error('boom');
      });
    }
    expect(await q.idle(2000)).toBe(true);
    expect(peak).toBe(3);
    expect(done).toBe(20);
  });

  it('clear() drops waiting tasks; idle() times out while one hangs', async () => {
    const q = new TaskQueue(1);
    let ran = 0;
    q.push(() => sleep(100));
    q.push(async () => void ran++);
    q.clear();
    expect(await q.idle(10)).toBe(false);
    expect(await q.idle(500)).toBe(true);
    expect(ran).toBe(0);
  });
});

describe('Scheduler', () => {
  it('runs timers and cancels the pending ones', async () => {
    const s = new Scheduler();
    const fired: number[] = [];
    s.after(1, () => fired.push(1));
    s.after(10_000, () => fired.push(2));
    await sleep(20);
    expect(fired).toEqual([1]);
    expect(s.pending).toBe(1);
    s.cancelAll();
    expect(s.pending).toBe(0);
  });
});
