// The nemesis: plays a scenario's fault timeline against a running topology. Every fault start and
// stop (and every fault it could not inject) is an event in the history, with its target.
import { parseDuration } from '../../reference-impl/common/duration.js';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { FaultClient } from '../faults/client.js';
import type { HistoryEvent, HistoryWriter } from '../probes/history.js';
import type { RunningTopology } from '../runtime/types.js';
import type { Topology } from '../topology/types.js';
import { bandwidth, firewall, latency } from './faults/link.js';
import { mxMode } from './faults/mx.js';
import { crash, pause } from './faults/node.js';
import type { ActiveFault, FaultContext } from './faults/types.js';
import type { Step } from './schema.js';

export function stepName(s: Step): string {
  if (s.name) return s.name;
  if ('link' in s) return `${s.fault.kind} ${s.link}`;
  if ('node' in s) return `${s.fault.kind} ${s.node}`;
  return `${s.fault.kind} ${s.mx}`;
}

/** The links a step targets: by exact name, or every link of a role ("instance->mid"). */
export function linksOf(t: Topology, target: string): string[] {
  return t.links.filter((l) => l.name === target || l.role === target).map((l) => l.name);
}

/** Check every step's target against the topology before anything starts (errors name the step). */
export function validateTimeline(steps: Step[], t: Topology, domains: string[]): void {
  steps.forEach((s, i) => {
    const where = `timeline.${i} (${stepName(s)})`;
    if ('link' in s && !linksOf(t, s.link).length) {
      throw new ConfigError(`${where}: no link or link role "${s.link}" in ${t.mode} mode (links: ${t.links.map((l) => l.name).join(', ')})`);
    }
    if ('node' in s && !t.nodes.some((n) => n.name === s.node && n.kind !== 'postgres' && n.kind !== 'internet')) {
      throw new ConfigError(`${where}: no node "${s.node}" in ${t.mode} mode (nodes: ${t.nodes.filter((n) => n.kind === 'module').map((n) => n.name).join(', ')})`);
    }
    if ('mx' in s && !domains.includes(s.mx)) throw new ConfigError(`${where}: no recipient domain "${s.mx}" (domains: ${domains.join(', ')})`);
  });
}

interface Armed {
  step: Step;
  name: string;
  state: 'waiting' | 'active' | 'healed' | 'failed';
  fault?: ActiveFault[];
  healTimer?: NodeJS.Timeout;
}

export class Nemesis {
  private readonly armed: Armed[];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly ctx: FaultContext;
  private readonly counts = { prepared: 0, transmitted: 0, sent: 0 };
  private work: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly running: RunningTopology,
    steps: Step[],
    private readonly history: HistoryWriter,
    private readonly o: { timeScale: number; recipients: number },
  ) {
    this.armed = steps.map((step) => ({ step, name: stepName(step), state: 'waiting' }));
    this.ctx = {
      running,
      faults: new FaultClient(running.toxiproxyUrl),
      wall: (d) => parseDuration(d) / o.timeScale,
      real: (d) => parseDuration(d),
    };
    history.onEvent((e) => this.observe(e));
  }

  /** Arm the timed steps, counting from now (the delivery's start). */
  start(): void {
    for (const a of this.armed) if (a.step.at !== undefined) this.timers.push(setTimeout(() => this.begin(a), this.ctx.wall(a.step.at)));
  }

  /** Faults in effect or still to come: the run has not settled while there are some. */
  get busy(): string | null {
    const waiting = this.armed.filter((a) => a.state === 'waiting').map((a) => a.name);
    const active = this.armed.filter((a) => a.state === 'active' && a.step.for !== undefined).map((a) => a.name);
    if (active.length) return `faults in effect: ${active.join(', ')}`;
    if (waiting.length) return `faults still to come: ${waiting.join(', ')}`;
    return null;
  }

  private observe(e: HistoryEvent): void {
    if (e.type === 'sink.accepted' || e.type === 'sink.rejected') this.counts.sent++;
    else if (e.type === 'sample' && e.marketing) {
      const mk = e.marketing as Record<string, number>;
      this.counts.prepared = Object.values(mk).reduce((a, b) => a + b, 0);
      this.counts.transmitted = this.counts.prepared - (mk.prepared ?? 0);
    } else return;
    for (const a of this.armed) {
      const w = a.step.when;
      if (a.state === 'waiting' && w && this.counts[w.event] >= w.share * this.o.recipients) this.begin(a);
    }
  }

  private begin(a: Armed): void {
    if (a.state !== 'waiting') return;
    a.state = 'active';
    this.work = this.work.then(async () => {
      try {
        a.fault = await this.inject(a.step);
        this.history.append({ type: 'fault.start', name: a.name, target: target(a.step), kind: a.step.fault.kind, holds: HOLDS.has(a.step.fault.kind), for: a.step.for ?? null });
        if (a.step.for !== undefined) a.healTimer = setTimeout(() => void this.end(a), this.ctx.wall(a.step.for));
      } catch (e) {
        a.state = 'failed';
        this.history.append({ type: 'fault.error', name: a.name, target: target(a.step), error: (e as Error).message });
      }
    });
  }

  private end(a: Armed): Promise<unknown> {
    if (a.state !== 'active') return this.work;
    a.state = 'healed';
    if (a.healTimer) clearTimeout(a.healTimer);
    this.work = this.work.then(async () => {
      for (const f of a.fault ?? []) {
        try {
          await f.heal();
        } catch (e) {
          this.history.append({ type: 'fault.error', name: a.name, target: target(a.step), error: `heal failed: ${(e as Error).message}` });
        }
      }
      this.history.append({ type: 'fault.stop', name: a.name, target: target(a.step), kind: a.step.fault.kind });
    });
    return this.work;
  }

  private async inject(s: Step): Promise<ActiveFault[]> {
    if ('node' in s) return [await (s.fault.kind === 'crash' ? crash : pause)(this.ctx, s.node)];
    if ('mx' in s) return [await mxMode(this.ctx, s.mx, s.fault.kind)];
    const out: ActiveFault[] = [];
    const f = s.fault;
    for (const link of linksOf(this.running.topology, s.link)) {
      if (f.kind === 'latency') out.push(await latency(this.ctx, link, f));
      else if (f.kind === 'bandwidth') out.push(await bandwidth(this.ctx, link, f));
      else if (f.kind === 'block') out.push(await firewall(this.ctx, link, 'drop', f.direction));
      else out.push(await firewall(this.ctx, link, 'reject'));
    }
    return out;
  }

  /** Heal everything still in effect (end of run), and forget the steps that never started. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const a of this.armed) {
      if (a.state === 'active') await this.end(a);
      else if (a.state === 'waiting') this.history.append({ type: 'fault.skipped', name: a.name, target: target(a.step), reason: 'its trigger was never reached' });
    }
    await this.work;
  }
}

/** Faults that hold traffic back (until they end), as opposed to conditions that slow it. */
const HOLDS = new Set(['block', 'reject', 'crash', 'pause', 'tempfail', 'reject-all']);

function target(s: Step): string {
  return 'link' in s ? s.link : 'node' in s ? s.node : s.mx;
}
