// A requirement of the conformance catalogue: one documented behaviour, where it is documented,
// the modes it applies to and the automated check that proves it. A check talks to the system
// under test only through the target (its network interfaces and databases) and, for what only a
// campaign shows, the result of the small run the harness drove through it.
import type { RunResult } from '../report/result.js';
import type { Target } from './target.js';

export type Status = 'pass' | 'fail' | 'n.a.';

export interface Verdict {
  status: Status;
  detail: string;
  /** Extra figures for the report (e.g. per-reason precision and recall). */
  data?: unknown;
}

export interface Ctx {
  mode: string;
  target: Target;
  /** The small campaign run against the target, when the harness drove one. */
  run?: RunResult & { runDir: string };
}

export type CheckFn = (ctx: Ctx) => Promise<Verdict>;

export interface Requirement {
  /** e.g. MS-SOAP-01 */
  id: string;
  /** One sentence: what the system does. */
  text: string;
  /** Documentation page and section it comes from (see ../shared/DESIGN.md). */
  source: string;
  /** Deployment modes it applies to; others are "n.a.". */
  modes: string[];
  check: CheckFn;
}

/** Where the documentation contradicts itself: both readings, and which one the reference follows. */
export interface Contradiction {
  id: string;
  topic: string;
  readings: { reading: string; source: string }[];
  follows: string;
  why: string;
  /** How to select the other reading, when cheap. */
  config?: string;
  /** The requirement that checks the followed reading. */
  requirement?: string;
}

export const pass = (detail: string, data?: unknown): Verdict => ({ status: 'pass', detail, data });
export const fail = (detail: string, data?: unknown): Verdict => ({ status: 'fail', detail, data });
export const na = (detail: string): Verdict => ({ status: 'n.a.', detail });
export const verdict = (ok: boolean, detail: string, data?: unknown): Verdict => ({ status: ok ? 'pass' : 'fail', detail, data });

/** Marks a check that reads the finished run rather than the live target (judged after it stops). */
export function afterRun(f: CheckFn): CheckFn {
  return Object.assign(f, { afterRun: true });
}
export const isAfterRun = (f: CheckFn): boolean => (f as CheckFn & { afterRun?: boolean }).afterRun === true;
