// A check is a pure function of the history (Jepsen's checker): fed every event in order, it
// returns pass or fail with a detail a person can read. Nothing in a check talks to the system.
import type { HistoryEvent } from '../probes/history.js';

export interface RunFacts {
  mode: string;
  recipients: number;
  marketingHostName: string;
  executionSite: 'marketing' | 'mid';
  /** The link from the client's site to the provider, when there is one (mid-sourcing). */
  clientUplink?: string;
  /** Several mids: every link from the instance to a mid (clientUplink is the first). */
  clientUplinks?: string[];
  /** Wall ms of the delivery logs sync period, and the allowance for catching up after a fault. */
  syncPeriodMs?: number;
  catchUpBoundMs?: number;
  /** The mode's port policy was applied as firewall rules (docker runtime). */
  portPolicy?: boolean;
  /** The MX rules as the stat server applies them, with the workload domains each governs. */
  quota?: {
    periodMs: number;
    periodsPerHour: number;
    rules: { name: string; domains: string[]; maxConnections: number; maxMessagesPerHour: number }[];
    /** Independent sending platforms (several mids), each with its own stat server and source IP,
     *  so each may use a rule's full limits (quotas are per MX rule and source IP). Default 1. */
    platforms?: number;
  };
}

export interface CheckResult {
  id: string;
  title: string;
  status: 'pass' | 'fail';
  detail: string;
  counts?: Record<string, number>;
}

export interface CheckRun {
  event(e: HistoryEvent): void;
  finish(): Omit<CheckResult, 'id' | 'title'>;
}

export interface Check {
  id: string;
  title: string;
  applies(f: RunFacts): boolean;
  start(f: RunFacts): CheckRun;
}

export const FINAL_STATUSES = ['sent', 'failed', 'ignored'] as const;

/** A few examples of a problem, for the detail line. */
export class Examples {
  private readonly list: string[] = [];
  count = 0;
  add(s: string): void {
    this.count++;
    if (this.list.length < 5) this.list.push(s);
  }
  toString(): string {
    return this.list.join('; ') + (this.count > this.list.length ? `; and ${this.count - this.list.length} more` : '');
  }
}

/** Recipient index of an event, or -1 when it is not one of the run's recipients. */
export function indexOf(e: HistoryEvent, recipients: number): number {
  const i = e.index;
  return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < recipients ? i : -1;
}
