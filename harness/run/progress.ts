// A live progress display: one line rewritten in place on a terminal, plain lines every few
// seconds otherwise (CI logs).
export class Progress {
  private lastPlain = 0;
  private live = '';

  constructor(
    private readonly tty = process.stderr.isTTY === true,
    private readonly out: NodeJS.WritableStream = process.stderr,
    private readonly plainEveryMs = 5000,
  ) {}

  /** A message that stays (starting nodes, phases). */
  say(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
    if (this.live && this.tty) this.out.write(this.live);
  }

  /** The status line, replaced at each update. */
  update(line: string): void {
    if (this.tty) {
      this.clear();
      this.live = line.slice(0, (process.stderr.columns ?? 120) - 1);
      this.out.write(this.live);
    } else if (Date.now() - this.lastPlain >= this.plainEveryMs) {
      this.lastPlain = Date.now();
      this.out.write(`${line}\n`);
    }
  }

  done(): void {
    this.clear();
    this.live = '';
  }

  private clear(): void {
    if (this.tty && this.live) this.out.write('\r\x1b[K');
  }
}

export function bar(done: number, total: number, width = 20): string {
  const f = total ? Math.min(1, done / total) : 0;
  return `[${'#'.repeat(Math.round(f * width)).padEnd(width, '.')}] ${(f * 100).toFixed(0).padStart(3)}%`;
}
