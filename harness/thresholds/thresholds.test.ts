import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { compareBaseline, evaluateThresholds, parseThreshold, parseThresholds, parseTolerance } from './index.js';

const run = (metrics: object, extra: object = {}) => ({ scenario: 'default', mode: 'mid-sourcing', metrics, ...extra });
const METRICS = {
  syncDelayMs: { count: 1000, p50: 800, p95: 2063, p99: 2500, max: 3000 },
  throughput: { messagesPerSecond: 127.8, messagesPerHour: 460_080, windowMs: 8000 },
  lost: 0,
  duplicates: 0,
};

describe('parseThreshold', () => {
  it('reads durations, plain numbers and every operator', () => {
    expect(parseThreshold('syncDelay.p95', '< 30s')).toEqual({ metric: 'syncDelay.p95', op: '<', value: 30_000, expression: '< 30s' });
    expect(parseThreshold('syncDelay.p95', '<=1500ms').value).toBe(1500);
    expect(parseThreshold('syncDelay.p95', '< 2500')).toMatchObject({ value: 2500 });
    expect(parseThreshold('throughput.messagesPerHour', '> 100000')).toMatchObject({ op: '>', value: 100_000 });
    expect(parseThreshold('lost', '== 0')).toMatchObject({ op: '==', value: 0 });
    expect(parseThreshold('duplicates', '!= 1')).toMatchObject({ op: '!=' });
    expect(parseThreshold('bandwidth.ratio', '>= 0.5')).toMatchObject({ op: '>=', value: 0.5 });
  });

  it('points at the string and names the metric when it cannot read it', () => {
    expect(() => parseThreshold('syncDelay.p59', '< 30s')).toThrow(ConfigError);
    expect(() => parseThreshold('syncDelay.p59', '< 30s')).toThrow(/thresholds\["syncDelay.p59"\]: "< 30s": unknown metric "syncDelay.p59"/);
    expect(() => parseThreshold('syncDelay.p95', '30s')).toThrow(/thresholds\["syncDelay.p95"\]: "30s": expected an operator/);
    expect(() => parseThreshold('syncDelay.p95', '< 30 seconds')).toThrow(/"< 30 seconds"/);
    expect(() => parseThreshold('syncDelay.p95', '< soon')).toThrow(/thresholds\["syncDelay.p95"\]: "< soon": invalid duration "soon"/);
    expect(() => parseThreshold('lost', '== 0s')).toThrow(/"== 0s": "0s" is not a number \(lost is not a duration/);
  });

  it('reads a scenario block, several expressions per metric', () => {
    const t = parseThresholds({ 'syncDelay.p95': ['< 30s', '> 0'], lost: '== 0' }, 'scenario.thresholds');
    expect(t.map((x) => x.metric)).toEqual(['syncDelay.p95', 'syncDelay.p95', 'lost']);
    expect(() => parseThresholds({ lost: 'zero' }, 'scenario.thresholds')).toThrow(/scenario\.thresholds\["lost"\]: "zero"/);
  });
});

describe('evaluateThresholds', () => {
  it('passes and fails with the value and the bound in the detail', () => {
    const t = parseThresholds({ 'syncDelay.p95': '< 30s', 'throughput.messagesPerHour': '> 1000000', lost: '== 0' });
    const r = evaluateThresholds(t, run(METRICS));
    expect(r.map((x) => [x.id, x.status])).toEqual([
      ['threshold:syncDelay.p95', 'pass'],
      ['threshold:throughput.messagesPerHour', 'fail'],
      ['threshold:lost', 'pass'],
    ]);
    expect(r[0].detail).toBe('syncDelay.p95 = 2.06s, threshold < 30.0s');
    expect(r[1].detail).toMatch(/460080.*> 1000000/);
  });

  it('fails a threshold on a metric with no samples, never passes it', () => {
    const empty = { syncDelayMs: { count: 0, p50: null, p95: null, p99: null, max: null }, throughput: { messagesPerSecond: null, messagesPerHour: null }, lost: 0 };
    const r = evaluateThresholds(parseThresholds({ 'syncDelay.p95': '< 30s', 'throughput.messagesPerHour': '>= 0' }), run(empty));
    expect(r.every((x) => x.status === 'fail')).toBe(true);
    expect(r[0].detail).toMatch(/no samples/);
    // A metric missing from result.json altogether (an older run) fails the same way.
    expect(evaluateThresholds(parseThresholds({ 'soapRtt.p95': '< 1s' }), run({}))[0]).toMatchObject({ status: 'fail', detail: expect.stringMatching(/no samples/) });
  });

  it('numbers repeated metrics', () => {
    const r = evaluateThresholds(parseThresholds({ 'syncDelay.p95': ['< 30s', '> 1s'] }), run(METRICS));
    expect(r.map((x) => x.id)).toEqual(['threshold:syncDelay.p95', 'threshold:syncDelay.p95#2']);
  });
});

describe('compareBaseline', () => {
  const base = run(METRICS);
  it('passes within the tolerance', () => {
    const now = run({ ...METRICS, throughput: { messagesPerHour: 430_000 }, syncDelayMs: { p95: 2400 } });
    expect(compareBaseline(now, base).map((x) => [x.id, x.status])).toEqual([
      ['baseline:throughput.messagesPerHour', 'pass'],
      ['baseline:syncDelay.p95', 'pass'],
    ]);
  });

  it('fails a regression beyond the tolerance, saying by how much', () => {
    const now = run({ ...METRICS, throughput: { messagesPerHour: 300_000 }, syncDelayMs: { p95: 4000 } });
    const r = compareBaseline(now, base, { throughput: 0.1, syncDelayP95: 0.25 });
    expect(r.map((x) => x.status)).toEqual(['fail', 'fail']);
    expect(r[0].detail).toMatch(/300000 against 460080 in the baseline \(-34\.8%\); at least 414072 allowed/);
    expect(r[1].detail).toMatch(/4.00s against 2.06s/);
  });

  it('fails when either run has no samples, or the runs are not comparable', () => {
    const none = run({ throughput: { messagesPerHour: null }, syncDelayMs: { p95: null } });
    expect(compareBaseline(none, base).every((x) => x.status === 'fail' && /no samples in this run/.test(x.detail))).toBe(true);
    expect(compareBaseline(base, none)[0].detail).toMatch(/no samples in the baseline/);
    const other = compareBaseline(run(METRICS, { mode: 'on-premise' }), base);
    expect(other[0]).toMatchObject({ id: 'baseline:comparable', status: 'fail' });
  });

  it('reads a tolerance flag', () => {
    expect(parseTolerance('throughput=5%, syncDelay.p95=0.5')).toEqual({ throughput: 0.05, syncDelayP95: 0.5 });
    expect(parseTolerance('')).toEqual({ throughput: 0.1, syncDelayP95: 0.25 });
    expect(() => parseTolerance('latency=5%')).toThrow(/"latency=5%"/);
  });
});
