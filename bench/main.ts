// npm run bench [-- --only e2e,mta,proxy] [--recipients N] [--messages N]
// Speed and memory figures, each printed as a ratio against a peer measured in the same run:
//   mta    the reference MTA vs Postfix's smtp-source, into the same Postfix smtp-sink
//   e2e    100,000 recipients end to end vs the 10-minute target, and vs smtp-source's raw rate
//   proxy  the fault proxy vs a direct connection and a plain Node relay
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPORTS } from '../harness/paths.js';
import { benchE2e } from './e2e.js';
import { benchFaultProxy } from './fault-proxy.js';
import { benchMtaVsPostfix } from './mta-vs-postfix.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const only = (flag('only') ?? 'mta,e2e,proxy').split(',');
  const unknown = only.filter((x) => !['mta', 'e2e', 'proxy'].includes(x));
  if (unknown.length) {
    console.error(`bench: unknown --only ${unknown.join(',')} (choose from mta, e2e, proxy)`);
    return 2;
  }
  const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version };
  if (only.includes('mta')) results.mta = await benchMtaVsPostfix({ messages: Number(flag('messages') ?? 20_000) });
  if (only.includes('e2e')) {
    const e2e = await benchE2e({ recipients: Number(flag('recipients') ?? 100_000) });
    results.e2e = e2e;
    const mta = results.mta as { smtpSourcePerSecond: number } | null | undefined;
    if (mta && e2e.messagesPerSecond) console.log(`  end-to-end rate / smtp-source raw SMTP rate: ${(e2e.messagesPerSecond / mta.smtpSourcePerSecond).toFixed(2)}`);
  }
  if (only.includes('proxy')) results.proxy = await benchFaultProxy();
  mkdirSync(REPORTS, { recursive: true });
  const file = join(REPORTS, `bench-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`results: ${file}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(3);
  },
);
