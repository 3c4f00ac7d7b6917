import { describe, expect, it } from 'vitest';
import { DelayedWork, Scheduler, TaskQueue } from './task-queue.js';

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

describe('DelayedWork', () => {
  it('runs planned work later, and forgets planned and queued work once stopped', async () => {
    const w = new DelayedWork(1);
    const ran: string[] = [];
    w.after(5, () => w.push(async () => void ran.push('planned')));
    w.after(200, () => w.push(async () => void ran.push('too late')));
    expect(w.stats()).toEqual({ scheduled: 2, queued: 0, inFlight: 0 });
    await sleep(30);
    expect(ran).toEqual(['planned']);
    await w.stop(100);
    w.after(1, () => ran.push('after stop'));
    w.push(async () => void ran.push('after stop'));
    await sleep(250);
    expect(ran).toEqual(['planned']);
    expect(w.stopped).toBe(true);
    expect(w.stats()).toEqual({ scheduled: 0, queued: 0, inFlight: 0 });
  });
});
