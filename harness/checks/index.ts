// The checks of a run, and how they are evaluated over a history file.
import { readHistory, type HistoryEvent } from '../probes/history.js';
import { finalStatus } from './final-status.js';
import { noDuplicates } from './no-duplicates.js';
import { noSmtpFromMarketing } from './no-smtp-from-marketing.js';
import { nothingLost } from './nothing-lost.js';
import { templateFieldsOnly } from './template-fields-only.js';
import { caughtUp } from './caught-up.js';
import { quotaAdherence } from './quota.js';
import { portPolicy } from './port-policy.js';
import type { Check, CheckResult, RunFacts } from './types.js';

export const CHECKS: Check[] = [finalStatus, nothingLost, noDuplicates, noSmtpFromMarketing, templateFieldsOnly, caughtUp, quotaAdherence, portPolicy];

/** Run the applicable checks over events (an array for tests, a history file for runs). */
export async function evaluate(facts: RunFacts, events: Iterable<HistoryEvent> | AsyncIterable<HistoryEvent>, checks = CHECKS): Promise<CheckResult[]> {
  const runs = checks.filter((c) => c.applies(facts)).map((c) => ({ c, run: c.start(facts) }));
  for await (const e of events) for (const r of runs) r.run.event(e);
  return runs.map(({ c, run }) => ({ id: c.id, title: c.title, ...run.finish() }));
}

export function evaluateFile(facts: RunFacts, file: string, checks = CHECKS): Promise<CheckResult[]> {
  return evaluate(facts, readHistory(file), checks);
}
