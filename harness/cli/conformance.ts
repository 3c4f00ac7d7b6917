// `midsim conformance`: run the catalogue against the reference implementation (default) or a
// target file, print the requirement x mode matrix, write conformance.json, junit.xml and
// conformance.html. Exit 1 when a requirement fails.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPORTS } from '../paths.js';
import { renderConformanceHtml, conformanceToJUnit, renderMatrix } from '../conformance/report.js';
import { runConformance } from '../conformance/run.js';
import { loadTarget } from '../conformance/target.js';
import { Progress } from '../run/progress.js';
import { MODES } from '../topology/modes.js';

interface Flags {
  mode?: string[];
  runtime?: string;
  target?: string;
  out?: string;
}

export async function conformanceCommand(f: Flags): Promise<number> {
  // Should the event loop ever drain before the verdict (a check waiting on nothing), exit 3, never 0.
  process.exitCode = 3;
  const target = f.target ? loadTarget(f.target) : undefined;
  const modes = f.mode?.length ? f.mode : target ? [target.mode] : Object.keys(MODES);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const out = f.out ?? join(REPORTS, `${stamp}-conformance`);
  const result = await runConformance({ modes, runtime: f.runtime, target, out, progress: new Progress() });
  writeFileSync(join(out, 'conformance.json'), JSON.stringify(result, null, 2));
  writeFileSync(join(out, 'junit.xml'), conformanceToJUnit(result));
  writeFileSync(join(out, 'conformance.html'), renderConformanceHtml(result));
  console.log(renderMatrix(result));
  console.log(`report: ${relative(process.cwd(), join(out, 'conformance.html')) || out}`);
  return result.verdict === 'pass' ? 0 : 1;
}
