import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, TimeScale } from './duration.js';

describe('parseDuration', () => {
  it('reads every unit', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5s')).toBe(5000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration(250)).toBe(250);
  });
  it('names the bad value', () => {
    expect(() => parseDuration('10 minutes')).toThrow(/"10 minutes"/);
    expect(() => parseDuration(-1)).toThrow(/-1/);
  });
  it('formats', () => {
    expect(formatDuration(12)).toBe('12ms');
    expect(formatDuration(1500)).toBe('1.50s');
    expect(formatDuration(90_000)).toBe('1.5m');
  });
});

describe('TimeScale', () => {
  it('plays the documented hourly sync once a minute at scale 60', () => {
    const t = new TimeScale(60);
    expect(t.wall('1h')).toBe(60_000);
    expect(t.simulated(60_000)).toBe(3_600_000);
  });
  it('refuses a zero scale', () => {
    expect(() => new TimeScale(0)).toThrow(/timeScale/);
  });
});
