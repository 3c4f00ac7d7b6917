// What a scenario tells the topology: the workload's Internet, the schedules, the MX rules.
import type { MxRule } from '../../reference-impl/common/config.js';
import type { RecipientBehaviour, WorkloadDomain } from '../workload/model.js';

export interface TopologyOptions {
  seed: number;
  timeScale: number;
  domains: WorkloadDomain[];
  recipientBehaviour: RecipientBehaviour;
  sync: { deliveryLogsPeriod: string; trackingLogsPeriod: string; countersPeriod: string };
  mxRules?: MxRule[];
  partSize?: number;
  retryDelays?: string[];
  logLevel?: string;
  /** Deliberate misconfigurations, for tests that prove a check can fail. */
  misconfig?: {
    /** Send every recipient column to the mid, not only the template's fields. */
    allFieldsToMid?: boolean;
    /** Run an MTA at the marketing site too, in mid-sourcing mode (its MTA must be disabled). */
    marketingMta?: boolean;
    /** The redirector follows any ?url= (an open redirect). */
    openRedirect?: boolean;
    /** The mid relay stores a delivery part sent twice twice. */
    nonIdempotentParts?: boolean;
  };
}

/** Operator credentials the marketing instance uses on the mid (documented operator: mid). */
export const MID_OPERATOR = { login: 'mid', password: 'midsim-mid-password' };
export const HOST_NAMES = { marketing: 'marketing.client.example', mid: 'mid.provider.example' };
