// The timed core shared by latency, bandwidth and slicer: chunks released at given times, in order.
// One timer per line (for its head), never one per chunk.
import { now, type Chunk, type InterruptReason, type Outlet, type ToxicStage } from './toxic.js';

// Timers have millisecond resolution: release what is due within this margin rather than re-arm.
const SLACK_MS = 0.5;

export class DelayLine {
  private readonly queue: { chunk: Chunk; due: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private bytes = 0;
  private ending = false;

  /**
   * `stampDue`: a released chunk carries its due time as its time stamp, so that a following
   * toxic counts from there (chained latencies add up, as in Toxiproxy).
   */
  constructor(
    private readonly out: Outlet,
    private readonly stampDue = false,
  ) {}

  /** Release `chunk` at `due` (performance.now() ms), but never before a chunk scheduled earlier. */
  schedule(chunk: Chunk, due: number): void {
    if (this.queue.length === 0 && due <= now() + SLACK_MS) {
      this.out.push(this.stamped(chunk, due));
      return;
    }
    const last = this.queue[this.queue.length - 1];
    this.queue.push({ chunk, due: last ? Math.max(due, last.due) : due });
    this.bytes += chunk.data.length;
    if (this.queue.length === 1) this.arm();
  }

  /** End the stream once everything queued has been released. */
  end(): void {
    if (this.queue.length === 0) this.out.end();
    else this.ending = true;
  }

  /**
   * Hand everything on now, as it arrived (the toxic is removed or updated: Toxiproxy drops no
   * data then, and an updated toxic takes the queue with the chunks' first time stamps).
   */
  flush(): void {
    this.cancel();
    this.releaseUntil(Infinity, false);
  }

  dispose(): void {
    this.cancel();
    this.queue.length = 0;
    this.bytes = 0;
  }

  buffered(): number {
    return this.bytes;
  }

  private arm(): void {
    const head = this.queue[0];
    if (head) this.timer = setTimeout(this.onTimer, Math.max(0, head.due - now()));
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.releaseUntil(now() + SLACK_MS);
    this.arm();
  };

  private releaseUntil(time: number, onTime = true): void {
    while (this.queue.length > 0 && this.queue[0].due <= time) {
      const { chunk, due } = this.queue.shift()!;
      this.bytes -= chunk.data.length;
      this.out.push(onTime ? this.stamped(chunk, due) : chunk);
    }
    if (this.queue.length === 0 && this.ending) {
      this.ending = false;
      this.out.end();
    }
  }

  private stamped(chunk: Chunk, due: number): Chunk {
    return this.stampDue ? { data: chunk.data, at: due } : chunk;
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Base for toxics that only decide when each piece of data leaves. */
export abstract class DelayLineStage implements ToxicStage {
  protected readonly line: DelayLine;
  constructor(out: Outlet, stampDue = false) {
    this.line = new DelayLine(out, stampDue);
  }
  abstract write(chunk: Chunk): void;
  end(): void {
    this.line.end();
  }
  interrupt(_reason: InterruptReason): void {
    this.line.flush();
  }
  dispose(): void {
    this.line.dispose();
  }
  buffered(): number {
    return this.line.buffered();
  }
}
