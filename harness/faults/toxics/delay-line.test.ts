import { afterEach, describe, expect, it } from 'vitest';
import { DelayLine } from './delay-line.js';
import { now, type Chunk, type Outlet } from './toxic.js';

function recordingOutlet() {
  const events: string[] = [];
  const out: Outlet = {
    push: (c: Chunk) => events.push(c.data.toString()),
    end: () => events.push('END'),
    close: () => events.push('CLOSE'),
    reset: () => events.push('RESET'),
  };
  return { events, out };
}

const chunk = (text: string): Chunk => ({ data: Buffer.from(text), at: now() });

describe('DelayLine', () => {
  let line: DelayLine | undefined;
  afterEach(() => line?.dispose());

  it('passes what is already due straight through', () => {
    const { events, out } = recordingOutlet();
    line = new DelayLine(out);
    line.schedule(chunk('a'), now() - 1);
    expect(events).toEqual(['a']);
  });

  it('keeps order even when a later chunk is due earlier, and ends after the last', async () => {
    const { events, out } = recordingOutlet();
    line = new DelayLine(out);
    line.schedule(chunk('a'), now() + 40);
    line.schedule(chunk('b'), now() + 5);
    line.end();
    expect(line.buffered()).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(events).toEqual(['a', 'b', 'END']);
    expect(line.buffered()).toBe(0);
  });

  it('flushes everything at once, end included', () => {
    const { events, out } = recordingOutlet();
    line = new DelayLine(out);
    line.schedule(chunk('a'), now() + 10_000);
    line.end();
    line.flush();
    expect(events).toEqual(['a', 'END']);
  });
});
