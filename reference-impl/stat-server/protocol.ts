// The stat server's wire format: newline-delimited JSON over TCP (the product has its own
// protocol; see README.md). Parsing never throws: every bad line becomes an error to send back.
import { z } from 'zod';

/** Longest accepted line, newline excluded; a longer one is answered with an error, then the session closes. */
export const MAX_LINE_BYTES = 64 * 1024;

const id = z.number().finite();
const rule = z.string().min(1);

const schemas = {
  hello: z.object({ op: z.literal('hello'), id: id.optional(), mta: z.string().min(1), ip: z.string().min(1) }),
  tokens: z.object({ op: z.literal('tokens'), id, rule, want: z.number().int().positive() }),
  connect: z.object({ op: z.literal('connect'), id, rule }),
  disconnect: z.object({ op: z.literal('disconnect'), id, rule }),
  stats: z.object({ op: z.literal('stats'), id }),
};
type Schemas = typeof schemas;
export type Request = { [Op in keyof Schemas]: z.output<Schemas[Op]> }[keyof Schemas];

export type Parsed = { request: Request } | { id: number | null; error: string };

export function parseRequest(line: string): Parsed {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (e) {
    return { id: null, error: `malformed JSON: ${(e as Error).message}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { id: null, error: 'expected a JSON object' };
  const fields = data as Record<string, unknown>;
  const reqId = typeof fields.id === 'number' && Number.isFinite(fields.id) ? fields.id : null;
  if (fields.op === undefined) return { id: reqId, error: 'missing field "op"' };
  if (typeof fields.op !== 'string' || !Object.hasOwn(schemas, fields.op)) {
    return { id: reqId, error: `unknown op ${JSON.stringify(fields.op)}; expected one of ${Object.keys(schemas).join(', ')}` };
  }
  const r = schemas[fields.op as keyof Schemas].safeParse(data);
  if (r.success) return { request: r.data };
  const problems = r.error.issues.map((i) => {
    const name = String(i.path[0] ?? '(root)');
    return fields[name] === undefined ? `missing field "${name}"` : `field "${name}": ${i.message}`;
  });
  return { id: reqId, error: `${fields.op}: ${problems.join('; ')}` };
}

/** Splits a byte stream into lines, refusing any line longer than `limit` bytes. */
export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly limit = MAX_LINE_BYTES) {}

  /** The complete lines so far (blank ones skipped, a trailing \r dropped); `tooLong` ends the stream. */
  push(chunk: Buffer): { lines: string[]; tooLong: boolean } {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const lines: string[] = [];
    let nl: number;
    while ((nl = this.pending.indexOf(0x0a)) >= 0) {
      if (nl > this.limit) return { lines, tooLong: true };
      const line = this.pending.subarray(0, nl).toString('utf8').replace(/\r$/, '');
      this.pending = this.pending.subarray(nl + 1);
      if (line.trim()) lines.push(line);
    }
    // Refuse as soon as the partial line is too long, rather than buffering until its newline.
    return { lines, tooLong: this.pending.length > this.limit };
  }
}
