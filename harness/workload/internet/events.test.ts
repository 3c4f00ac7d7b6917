import { describe, expect, it } from 'vitest';
import { EventBuffer } from './events.js';

const session = (n: number) => ({ type: 'sink.session' as const, domain: 'a', ehlo: `h${n}`, sessionId: `s${n}` });

describe('EventBuffer', () => {
  it('numbers events and pages through them', () => {
    const b = new EventBuffer(100);
    for (let i = 0; i < 5; i++) b.push(session(i));
    const p1 = b.read(0, 3);
    expect(p1.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(p1.last).toBe(3);
    expect(p1.events[0]).toMatchObject({ type: 'sink.session', ehlo: 'h0', sessionId: 's0' });
    expect(typeof p1.events[0].ts).toBe('number');
    const p2 = b.read(p1.last, 10);
    expect(p2.events.map((e) => e.seq)).toEqual([4, 5]);
    expect(b.read(p2.last, 10)).toEqual({ events: [], last: 5, dropped: 0 });
    // acknowledged events are gone, later ones stay
    expect(b.size).toBe(0);
    expect(b.countsByType()).toEqual({ 'sink.session': 5 });
  });

  it('drops the oldest unread events when full, and says how many', () => {
    const b = new EventBuffer(10);
    for (let i = 0; i < 25; i++) b.push(session(i));
    const p = b.read(0, 100);
    expect(p.dropped).toBeGreaterThanOrEqual(15);
    expect(p.events.length + p.dropped).toBe(25);
    expect(p.events.at(-1)!.seq).toBe(25);
    expect(p.events.map((e) => e.seq)).toEqual(Array.from({ length: p.events.length }, (_, i) => 26 - p.events.length + i));
  });
});
