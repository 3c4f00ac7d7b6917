import { readFile } from 'node:fs/promises';
import { classifyBounce } from '../../reference-impl/bounce-handler/classify.js';

/** One JSON line per file; exit 2 when a file cannot be read (the others are still classified). */
export async function classifyCommand(files: string[]): Promise<number> {
  let code = 0;
  for (const file of files) {
    let raw: Buffer;
    try {
      raw = await readFile(file);
    } catch (e) {
      console.error(`midsim classify: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      code = 2;
      continue;
    }
    const r = await classifyBounce(raw);
    console.log(
      JSON.stringify({
        file,
        bounce: r.bounce,
        recipients: r.recipients.map((x) => ({ recipient: x.recipient, status: x.status, replyCode: x.replyCode, reasonCode: x.reasonCode, reason: x.reason, type: x.type })),
      }),
    );
  }
  return code;
}
