import { describe, expect, it } from 'vitest';
import { ConnectionSlots } from './slots.js';

describe('ConnectionSlots', () => {
  it('caps open connections per MX rule across holders', () => {
    const slots = new ConnectionSlots<string>();
    expect(slots.acquire('r', 2, 'mta-1')).toBe(true);
    expect(slots.acquire('r', 2, 'mta-2')).toBe(true);
    expect(slots.acquire('r', 2, 'mta-3')).toBe(false);
    expect(slots.acquire('other', 1, 'mta-3')).toBe(true);
    expect(slots.openCount('r')).toBe(2);
  });
  it('frees only what a holder holds', () => {
    const slots = new ConnectionSlots<string>();
    slots.acquire('r', 5, 'mta-1');
    expect(slots.release('r', 'mta-2')).toBe(false);
    expect(slots.openCount('r')).toBe(1);
    expect(slots.release('r', 'mta-1')).toBe(true);
    expect(slots.release('r', 'mta-1')).toBe(false);
    expect(slots.openCount('r')).toBe(0);
  });
  it('frees all of a holder at once (its session ended)', () => {
    const slots = new ConnectionSlots<string>();
    slots.acquire('r', 5, 'mta-1');
    slots.acquire('r', 5, 'mta-1');
    slots.acquire('s', 5, 'mta-1');
    slots.acquire('r', 5, 'mta-2');
    expect(slots.releaseAll('mta-1')).toBe(3);
    expect(slots.openCount('r')).toBe(1);
    expect(slots.openCount('s')).toBe(0);
    expect(slots.releaseAll('mta-1')).toBe(0);
  });
});
