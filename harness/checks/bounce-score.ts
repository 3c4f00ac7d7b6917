// Scores bounce classifications against labels: how often the failure reason (Campaign reason
// code) is right per failed recipient, how often bounces and non-bounces are told apart, and
// where the errors go (a confusion table, precision and recall per reason). A pure function of
// labels and predictions, like every check.

export interface LabelledRecipient {
  /** "" when the label source gives no address: matched by position then. */
  recipient: string;
  /** null: the report says delivered. */
  failure: { reasonCode: number } | null;
}
export interface BounceLabel {
  bounce: boolean;
  recipients?: LabelledRecipient[];
}
export interface PredictedBounce {
  bounce: boolean;
  recipients: { recipient: string; reasonCode: number | null }[];
}

/** A reason code, "delivered" (null) or "missing" (the recipient was not found). */
export type Outcome = string;

export interface ReasonStats {
  support: number;
  predicted: number;
  correct: number;
  precision: number | null;
  recall: number | null;
}

export interface BounceScore {
  files: number;
  recipients: number;
  correct: number;
  /** reasonCode accuracy over labelled recipients of labelled bounces */
  accuracy: number;
  bounceCorrect: number;
  /** bounce / non-bounce accuracy over files */
  bounceAccuracy: number;
  nonBounces: number;
  nonBouncesRecognised: number;
  /** label outcome -> predicted outcome -> count */
  confusion: Record<Outcome, Record<Outcome, number>>;
  perReason: Record<Outcome, ReasonStats>;
  misclassified: { file: string; recipient: string; expected: Outcome; predicted: Outcome }[];
}

const outcome = (code: number | null | undefined): Outcome => (code === undefined ? 'missing' : code === null ? 'delivered' : String(code));

export function scoreBounces(labels: Record<string, BounceLabel>, predictions: Record<string, PredictedBounce | undefined>): BounceScore {
  const confusion: BounceScore['confusion'] = {};
  const misclassified: BounceScore['misclassified'] = [];
  let recipients = 0;
  let correct = 0;
  let bounceCorrect = 0;
  let nonBounces = 0;
  let nonBouncesRecognised = 0;
  const files = Object.keys(labels).sort();

  for (const file of files) {
    const label = labels[file];
    const pred = predictions[file];
    const predictedBounce = pred?.bounce ?? false;
    if (predictedBounce === label.bounce) bounceCorrect++;
    if (!label.bounce) {
      nonBounces++;
      if (!predictedBounce) nonBouncesRecognised++;
      else misclassified.push({ file, recipient: '', expected: 'not a bounce', predicted: 'bounce' });
      continue;
    }
    const used = new Set<number>();
    (label.recipients ?? []).forEach((l, i) => {
      const expected = outcome(l.failure ? l.failure.reasonCode : null);
      const got = predictedBounce && pred ? matchRecipient(pred.recipients, l.recipient, i, used) : undefined;
      const predicted = outcome(got === undefined ? undefined : got.reasonCode);
      recipients++;
      if (predicted === expected) correct++;
      else misclassified.push({ file, recipient: l.recipient, expected, predicted });
      (confusion[expected] ??= {})[predicted] = (confusion[expected]?.[predicted] ?? 0) + 1;
    });
  }
  return {
    files: files.length,
    recipients,
    correct,
    accuracy: recipients ? correct / recipients : 1,
    bounceCorrect,
    bounceAccuracy: files.length ? bounceCorrect / files.length : 1,
    nonBounces,
    nonBouncesRecognised,
    confusion,
    perReason: perReason(confusion),
    misclassified,
  };
}

/** By address (case-insensitive, an unused match first); by position when the label has none. */
function matchRecipient<R extends { recipient: string }>(predicted: R[], address: string, index: number, used: Set<number>): R | undefined {
  if (!address) return predicted[index];
  const a = address.toLowerCase();
  const all = predicted.map((p, i) => i).filter((i) => predicted[i].recipient.toLowerCase() === a);
  const i = all.find((j) => !used.has(j)) ?? all[0];
  if (i === undefined) return undefined;
  used.add(i);
  return predicted[i];
}

function perReason(confusion: BounceScore['confusion']): Record<Outcome, ReasonStats> {
  const outcomes = new Set<Outcome>();
  for (const [l, row] of Object.entries(confusion)) {
    outcomes.add(l);
    for (const p of Object.keys(row)) outcomes.add(p);
  }
  const stats: Record<Outcome, ReasonStats> = {};
  for (const o of outcomes) {
    const support = Object.values(confusion[o] ?? {}).reduce((a, b) => a + b, 0);
    const predicted = Object.values(confusion).reduce((a, row) => a + (row[o] ?? 0), 0);
    const correct = confusion[o]?.[o] ?? 0;
    stats[o] = {
      support,
      predicted,
      correct,
      precision: predicted ? correct / predicted : null,
      recall: support ? correct / support : null,
    };
  }
  return stats;
}

const order = (a: Outcome, b: Outcome) => rank(a) - rank(b);
const rank = (o: Outcome) => (o === 'delivered' ? 1000 : o === 'missing' ? 1001 : Number(o));

/** The confusion table (rows: label, columns: predicted) and precision/recall per reason, as text. */
export function renderScore(s: BounceScore, reasonNames: Record<number, string> = {}): string {
  const name = (o: Outcome) => (/^\d+$/.test(o) && reasonNames[Number(o)] ? `${o} ${reasonNames[Number(o)]}` : o);
  const outcomes = Object.keys(s.perReason).sort(order);
  const cols = outcomes.filter((o) => s.perReason[o].predicted > 0);
  const rows = outcomes.filter((o) => s.perReason[o].support > 0);
  const w0 = Math.max(...rows.map((o) => name(o).length), 'label \\ predicted'.length);
  const w = Math.max(5, ...cols.map((c) => c.length));
  const pad = (x: string | number, n: number) => String(x).padStart(n);
  const lines = [
    `reasonCode accuracy ${(s.accuracy * 100).toFixed(1)}% (${s.correct}/${s.recipients} recipients), ` +
      `bounce/non-bounce ${(s.bounceAccuracy * 100).toFixed(1)}% (${s.bounceCorrect}/${s.files} files, ` +
      `${s.nonBouncesRecognised}/${s.nonBounces} non-bounces recognised)`,
    '',
    'label \\ predicted'.padEnd(w0) + ' ' + cols.map((c) => pad(c, w)).join(' '),
    ...rows.map((r) => name(r).padEnd(w0) + ' ' + cols.map((c) => pad(s.confusion[r]?.[c] ?? '.', w)).join(' ')),
    '',
    'reason'.padEnd(w0) + ' ' + ['support', 'predicted', 'precision', 'recall'].map((h) => pad(h, 9)).join(' '),
    ...outcomes.map((o) => {
      const r = s.perReason[o];
      const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
      return name(o).padEnd(w0) + ' ' + [r.support, r.predicted, pct(r.precision), pct(r.recall)].map((v) => pad(v, 9)).join(' ');
    }),
  ];
  return lines.join('\n');
}
