// Thresholds as CI users write them in k6 style: { "syncDelay.p95": "< 30s", "lost": "== 0" }.
// Parsed once at the edge into typed values; an error quotes the string and names the metric.
import { parseDuration } from '../../reference-impl/common/duration.js';
import { ConfigError } from '../../reference-impl/common/errors.js';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Threshold {
  /** The metric path as the user wrote it, e.g. "syncDelay.p95". */
  metric: string;
  op: Operator;
  /** In the metric's unit: milliseconds for durations. */
  value: number;
  /** The expression as written, e.g. "< 30s". */
  expression: string;
}

/** How a metric path reads a run's metrics, and whether it is a duration (in ms). */
export interface MetricSpec {
  /** Path into RunResult.metrics. */
  path: string;
  duration: boolean;
  description: string;
}

const percentiles = (name: string, path: string, what: string): Record<string, MetricSpec> =>
  Object.fromEntries(
    ['p50', 'p95', 'p99', 'max'].map((p) => [`${name}.${p}`, { path: `${path}.${p}`, duration: true, description: `${what}, ${p}` }]),
  );

/** The metrics thresholds may name. A new metric of the run is one line here. */
export const METRICS: Record<string, MetricSpec> = {
  ...percentiles('syncDelay', 'syncDelayMs', 'sync delay (MX answer -> status visible on the marketing instance)'),
  'syncDelay.count': { path: 'syncDelayMs.count', duration: false, description: 'messages with a measured sync delay' },
  ...percentiles('soapRtt', 'soapRttMs', 'SOAP round trip of the client uplink'),
  'throughput.messagesPerSecond': { path: 'throughput.messagesPerSecond', duration: false, description: 'SMTP outcomes per second' },
  'throughput.messagesPerHour': { path: 'throughput.messagesPerHour', duration: false, description: 'SMTP outcomes per hour' },
  recipients: { path: 'recipients', duration: false, description: 'recipients of the campaign' },
  delivered: { path: 'delivered', duration: false, description: 'messages delivered' },
  'failed.hard': { path: 'failed.hard', duration: false, description: 'hard failures' },
  'failed.soft': { path: 'failed.soft', duration: false, description: 'soft failures' },
  'failed.ignored': { path: 'failed.ignored', duration: false, description: 'ignored failures' },
  lost: { path: 'lost', duration: false, description: 'messages lost' },
  duplicates: { path: 'duplicates', duration: false, description: 'recipients who got more than one copy' },
  indeterminate: { path: 'indeterminate', duration: false, description: 'indeterminate SMTP outcomes' },
  bounces: { path: 'bounces', duration: false, description: 'asynchronous bounces' },
  opens: { path: 'opens', duration: false, description: 'opens brought back' },
  clicks: { path: 'clicks', duration: false, description: 'clicks brought back' },
  'bandwidth.uplinkBytesPerMessage': { path: 'bandwidth.uplinkBytesPerMessage', duration: false, description: 'bytes on the client uplink per message' },
  'bandwidth.smtpBytesPerMessage': { path: 'bandwidth.smtpBytesPerMessage', duration: false, description: 'SMTP bytes per message' },
  'bandwidth.ratio': { path: 'bandwidth.ratio', duration: false, description: 'uplink bytes / SMTP bytes per message' },
};

const EXPRESSION = /^\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Parse one threshold; a ConfigError quotes the expression and names the metric. */
export function parseThreshold(metric: string, expression: string, where = 'thresholds'): Threshold {
  const at = `${where}["${metric}"]: "${expression}"`;
  const spec = METRICS[metric];
  if (!spec) throw new ConfigError(`${at}: unknown metric "${metric}" (known: ${Object.keys(METRICS).join(', ')})`);
  if (typeof expression !== 'string') throw new ConfigError(`${where}["${metric}"]: expected a string like "< 30s", got ${JSON.stringify(expression)}`);
  const m = EXPRESSION.exec(expression);
  if (!m) throw new ConfigError(`${at}: expected an operator (<, <=, >, >=, ==, !=) and a value, e.g. "< 30s" or "== 0"`);
  const [, op, raw] = m;
  let value: number;
  if (NUMBER.test(raw)) value = Number(raw);
  else if (spec.duration) {
    try {
      value = parseDuration(raw);
    } catch (e) {
      throw new ConfigError(`${at}: ${(e as Error).message}`);
    }
  } else throw new ConfigError(`${at}: "${raw}" is not a number (${metric} is not a duration, so units like "s" do not apply)`);
  return { metric, op: op as Operator, value, expression };
}

/** The thresholds of a scenario: one expression per metric, or several (all must hold). */
export function parseThresholds(input: Record<string, string | string[]>, where = 'thresholds'): Threshold[] {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new ConfigError(`${where}: expected an object of metric -> expression`);
  return Object.entries(input).flatMap(([metric, e]) => (Array.isArray(e) ? e : [e]).map((x) => parseThreshold(metric, x, where)));
}
