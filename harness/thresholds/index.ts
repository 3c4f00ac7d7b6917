// Gating: thresholds (k6 style) and the comparison with a baseline run.
export { METRICS, parseThreshold, parseThresholds, type MetricSpec, type Operator, type Threshold } from './parse.js';
export {
  compareBaseline,
  DEFAULT_TOLERANCE,
  evaluateThresholds,
  metricValue,
  parseTolerance,
  type GatedRun,
  type GateResult,
  type Tolerance,
} from './evaluate.js';
