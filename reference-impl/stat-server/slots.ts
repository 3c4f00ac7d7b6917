// SMTP connection slots per MX rule, shared by all MTAs. Each slot is counted against the session
// that took it, so that a session's end frees its slots (an MTA that crashes must not leak them)
// and a disconnect from a session that holds none (slots taken before a reconnect) frees nothing.

export class ConnectionSlots<Holder> {
  private readonly open = new Map<string, number>();
  private readonly held = new Map<Holder, Map<string, number>>();

  openCount(rule: string): number {
    return this.open.get(rule) ?? 0;
  }

  /** Take one slot of `rule` for `holder` if fewer than `max` are open. */
  acquire(rule: string, max: number, holder: Holder): boolean {
    if (this.openCount(rule) >= max) return false;
    this.open.set(rule, this.openCount(rule) + 1);
    const mine = this.held.get(holder) ?? new Map<string, number>();
    mine.set(rule, (mine.get(rule) ?? 0) + 1);
    this.held.set(holder, mine);
    return true;
  }

  /** Give back one slot of `rule`; false if `holder` held none. */
  release(rule: string, holder: Holder): boolean {
    const mine = this.held.get(holder);
    const n = mine?.get(rule) ?? 0;
    if (!mine || n === 0) return false;
    if (n === 1) mine.delete(rule);
    else mine.set(rule, n - 1);
    if (mine.size === 0) this.held.delete(holder);
    this.open.set(rule, this.openCount(rule) - 1);
    return true;
  }

  /** Free every slot `holder` holds; returns how many. */
  releaseAll(holder: Holder): number {
    const mine = this.held.get(holder);
    if (!mine) return 0;
    let freed = 0;
    for (const [rule, n] of mine) {
      this.open.set(rule, this.openCount(rule) - n);
      freed += n;
    }
    this.held.delete(holder);
    return freed;
  }
}
