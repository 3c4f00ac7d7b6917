// The deterministic workload model: a seeded population of recipients spread over recipient
// domains, what each domain's mail servers do with each recipient (reject, defer, accept, bounce
// later with a DSN) and what each recipient does with a delivered message (open, click).
// The simulated Internet plays this plan; integration tests and checks compute it independently
// with `outcomeFor` / `expectedTotals` and compare exact counts.
import { z } from 'zod';
import { parseDuration } from '../../reference-impl/common/duration.js';
import { stableUnit } from './stable-hash.js';

// ---------------------------------------------------------------------------------------------
// Schemas

export const Duration = z.union([z.string(), z.number()]).superRefine((v, ctx) => {
  try {
    parseDuration(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});
const Share = z.number().min(0).max(1);
const Weight = z.number().min(0);

const behaviourShape = {
  /** Shares of all recipients refused synchronously at RCPT TO. */
  reject: z
    .strictObject({
      userUnknown: Share.default(0.02),
      mailboxFull: Share.default(0.005),
      refused: Share.default(0.003),
    })
    .prefault({}),
  /** Share of all recipients answered 451 4.3.0 for their first `attempts` tries, then accepted. */
  defer: z
    .strictObject({ share: Share.default(0.02), attempts: z.number().int().min(0).max(1000).default(1) })
    .prefault({}),
  /** Share of the accepted messages that bounce later with a DSN; kinds are relative weights. */
  dsn: z
    .strictObject({
      share: Share.default(0.01),
      kinds: z.strictObject({ userUnknown: Weight.default(0.7), mailboxFull: Weight.default(0.3) }).prefault({}),
      /** Simulated time between acceptance and the DSN. */
      delay: Duration.default('30s'),
    })
    .prefault({}),
};

interface BehaviourShape {
  reject: { userUnknown: number; mailboxFull: number; refused: number };
  defer: { share: number };
  dsn: { share: number; kinds: { userUnknown: number; mailboxFull: number } };
}
function checkShares(b: BehaviourShape, ctx: z.RefinementCtx): void {
  const sum = b.reject.userUnknown + b.reject.mailboxFull + b.reject.refused + b.defer.share;
  if (sum > 1 + 1e-9) {
    ctx.addIssue({
      code: 'custom',
      path: ['reject'],
      message: `reject shares plus defer.share must not exceed 1, got ${sum}`,
    });
  }
  if (b.dsn.share > 0 && b.dsn.kinds.userUnknown + b.dsn.kinds.mailboxFull <= 0) {
    ctx.addIssue({ code: 'custom', path: ['dsn', 'kinds'], message: 'at least one DSN kind needs a weight > 0' });
  }
}

/** What one recipient domain's mail servers do (the part the Internet node's sink needs). */
export const DomainBehaviour = z.strictObject(behaviourShape).superRefine(checkShares);
export type DomainBehaviour = z.output<typeof DomainBehaviour>;
export type DomainBehaviourInput = z.input<typeof DomainBehaviour>;

/** A recipient domain of the workload: its share of the population and its behaviour. */
export const WorkloadDomain = z
  .strictObject({ name: z.string().min(1), weight: Weight.default(1), ...behaviourShape })
  .superRefine(checkShares);
export type WorkloadDomain = z.output<typeof WorkloadDomain>;
export type WorkloadDomainInput = z.input<typeof WorkloadDomain>;

export const WorkloadDomains = z
  .array(WorkloadDomain)
  .min(1)
  .superRefine((ds, ctx) => {
    const seen = new Set<string>();
    ds.forEach((d, i) => {
      const name = d.name.toLowerCase();
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate domain "${d.name}"` });
      seen.add(name);
    });
    if (!(ds.reduce((s, d) => s + d.weight, 0) > 0)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'the domain weights must add up to more than 0' });
    }
  });

/** What recipients do with a delivered message. */
export const RecipientBehaviour = z
  .strictObject({
    /** Share of the delivered recipients who open (fetch the open pixel). */
    openRate: Share.default(0.25),
    /** Share of the delivered recipients who click; they are openers too, so at most openRate. */
    clickRate: Share.default(0.05),
    /** Simulated time between delivery and the open (the click follows the open). */
    delay: Duration.default('1m'),
  })
  .superRefine((r, ctx) => {
    if (r.clickRate > r.openRate) {
      ctx.addIssue({
        code: 'custom',
        path: ['clickRate'],
        message: `clickRate (${r.clickRate}) cannot exceed openRate (${r.openRate}): only openers click`,
      });
    }
  });
export type RecipientBehaviour = z.output<typeof RecipientBehaviour>;
export type RecipientBehaviourInput = z.input<typeof RecipientBehaviour>;

// ---------------------------------------------------------------------------------------------
// Population

/** The address of recipient `index` (0-based). */
export function recipientEmail(index: number, domain: string): string {
  return `r${index}@${domain}`;
}

/** The index of an address written by `recipientEmail`, null for any other address. */
export function recipientIndex(email: string): number | null {
  const m = /^r(0|[1-9]\d{0,14})@[^@\s]+$/i.exec(email.trim());
  return m ? Number(m[1]) : null;
}

/** Addresses compare case-insensitively; the model hashes this form. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The domain of recipient `index`, picked by weight with a stable hash of (seed, index). */
export function assignDomain<D extends { name: string; weight: number }>(seed: number, index: number, domains: readonly D[]): D {
  const total = domains.reduce((s, d) => s + d.weight, 0);
  if (!(total > 0)) throw new Error('assignDomain: the domain weights must add up to more than 0');
  let u = stableUnit(seed, 'domain', index) * total;
  for (const d of domains) {
    if (u < d.weight) return d;
    u -= d.weight;
  }
  // Rounding can leave u a hair above the last band: the last weighted domain takes it.
  return [...domains].reverse().find((d) => d.weight > 0)!;
}

// ---------------------------------------------------------------------------------------------
// Plans

export type RejectKind = 'userUnknown' | 'mailboxFull' | 'refused';
export type BounceKind = 'userUnknown' | 'mailboxFull';

/** An SMTP reply as it goes on the wire: `${code} ${enhanced} ${text}`. */
export interface SmtpReply {
  code: number;
  enhanced: string;
  text: string;
}

/** Synchronous refusals at RCPT TO, with texts like the ones real MX hosts (Postfix) write. */
export function rejectReply(kind: RejectKind, email: string): SmtpReply {
  switch (kind) {
    case 'userUnknown':
      return { code: 550, enhanced: '5.1.1', text: `<${email}>: Recipient address rejected: User unknown in virtual mailbox table` };
    case 'mailboxFull':
      return { code: 552, enhanced: '5.2.2', text: `<${email}>: Recipient address rejected: Mailbox full, quota exceeded` };
    case 'refused':
      return { code: 554, enhanced: '5.7.1', text: `<${email}>: Recipient address rejected: Message refused by the recipient's policy` };
  }
}

export const DEFER_REPLY: SmtpReply = { code: 451, enhanced: '4.3.0', text: 'Temporary system problem, please try again later' };

export interface DsnPlan {
  kind: BounceKind;
  /** RFC 3464 Status field. */
  status: string;
  /** What the final mail store answered, quoted in Diagnostic-Code. */
  diagnostic: SmtpReply;
}

export function dsnPlan(kind: BounceKind, email: string): DsnPlan {
  return kind === 'userUnknown'
    ? { kind, status: '5.1.1', diagnostic: { code: 550, enhanced: '5.1.1', text: `<${email}>: User unknown in local recipient table` } }
    : { kind, status: '5.2.2', diagnostic: { code: 552, enhanced: '5.2.2', text: `<${email}>: Mailbox full, quota exceeded` } };
}

/** What the recipient domain's MX does with one recipient. */
export interface SmtpPlan {
  reject: (SmtpReply & { kind: RejectKind }) | null;
  /** 451 answers before the acceptance (0 = accepted at the first try). */
  deferAttempts: number;
  /** Accepted, then bounced later with a DSN. */
  dsn: DsnPlan | null;
}

export function smtpPlanFor(seed: number, email: string, b: DomainBehaviour): SmtpPlan {
  const address = normalizeEmail(email);
  let u = stableUnit(seed, address, 'smtp');
  for (const kind of ['userUnknown', 'mailboxFull', 'refused'] as const) {
    if (u < b.reject[kind]) return { reject: { kind, ...rejectReply(kind, address) }, deferAttempts: 0, dsn: null };
    u -= b.reject[kind];
  }
  const deferAttempts = u < b.defer.share ? b.defer.attempts : 0;
  let dsn: DsnPlan | null = null;
  if (stableUnit(seed, address, 'dsn') < b.dsn.share) {
    const { userUnknown, mailboxFull } = b.dsn.kinds;
    const k = stableUnit(seed, address, 'dsn-kind') * (userUnknown + mailboxFull);
    dsn = dsnPlan(k < userUnknown ? 'userUnknown' : 'mailboxFull', address);
  }
  return { reject: null, deferAttempts, dsn };
}

/** Whether a recipient opens / clicks a delivered message. One draw: clickers are openers. */
export function engagementFor(seed: number, email: string, r: RecipientBehaviour): { opens: boolean; clicks: boolean } {
  const u = stableUnit(seed, normalizeEmail(email), 'engagement');
  return { opens: u < r.openRate, clicks: u < r.clickRate };
}

/** The planned outcome of one recipient of the population. */
export interface Outcome {
  index: number;
  email: string;
  domain: string;
  result: 'accepted' | 'rejected';
  reject: (SmtpReply & { kind: RejectKind }) | null;
  deferAttempts: number;
  dsn: DsnPlan | null;
  /** Only delivered recipients (accepted, no DSN) open and click. */
  opens: boolean;
  clicks: boolean;
}

export function outcomeFor(
  seed: number,
  index: number,
  domain: { name: string } & DomainBehaviour,
  recipients: RecipientBehaviour,
): Outcome {
  const email = recipientEmail(index, domain.name);
  const plan = smtpPlanFor(seed, email, domain);
  const delivered = !plan.reject && !plan.dsn;
  const e = delivered ? engagementFor(seed, email, recipients) : { opens: false, clicks: false };
  return { index, email, domain: domain.name, result: plan.reject ? 'rejected' : 'accepted', ...plan, ...e };
}

export interface DomainTotals {
  recipients: number;
  accepted: number;
  rejected: number;
  deferrals: number;
  bounced: number;
}

export interface ExpectedTotals {
  recipients: number;
  /** Messages the sinks accept (sink.accepted events when each recipient is sent once). */
  accepted: number;
  /** Accepted and never bounced. */
  delivered: number;
  /** Recipients deferred at least once, and the 451 answers they get in all (sink.deferred). */
  deferred: number;
  deferrals: number;
  rejected: Record<RejectKind, number> & { total: number };
  bounced: Record<BounceKind, number> & { total: number };
  opens: number;
  clicks: number;
  byDomain: Record<string, DomainTotals>;
}

/** The sum of `outcomeFor` over recipients 0..n-1, each placed by `assignDomain`. */
export function expectedTotals(
  seed: number,
  n: number,
  domains: readonly WorkloadDomain[],
  recipients: RecipientBehaviour,
): ExpectedTotals {
  const t: ExpectedTotals = {
    recipients: n,
    accepted: 0,
    delivered: 0,
    deferred: 0,
    deferrals: 0,
    rejected: { userUnknown: 0, mailboxFull: 0, refused: 0, total: 0 },
    bounced: { userUnknown: 0, mailboxFull: 0, total: 0 },
    opens: 0,
    clicks: 0,
    byDomain: Object.fromEntries(
      domains.map((d) => [d.name, { recipients: 0, accepted: 0, rejected: 0, deferrals: 0, bounced: 0 }]),
    ),
  };
  for (let i = 0; i < n; i++) {
    const o = outcomeFor(seed, i, assignDomain(seed, i, domains), recipients);
    const d = t.byDomain[o.domain];
    d.recipients++;
    if (o.reject) {
      t.rejected[o.reject.kind]++;
      t.rejected.total++;
      d.rejected++;
      continue;
    }
    t.accepted++;
    d.accepted++;
    if (o.deferAttempts > 0) t.deferred++;
    t.deferrals += o.deferAttempts;
    d.deferrals += o.deferAttempts;
    if (o.dsn) {
      t.bounced[o.dsn.kind]++;
      t.bounced.total++;
      d.bounced++;
    } else t.delivered++;
    if (o.opens) t.opens++;
    if (o.clicks) t.clicks++;
  }
  return t;
}
