// Classifies every labelled real bounce of the shared development set and scores it. The set
// lives outside the repository (../shared/bounces, or MIDSIM_BOUNCES_DIR) and is only read.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyBounce, type BounceResult } from '../../reference-impl/bounce-handler/classify.js';
import { REASONS } from '../../reference-impl/common/qualification.js';
import { renderScore, scoreBounces, type BounceLabel } from './bounce-score.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = process.env.MIDSIM_BOUNCES_DIR ?? path.resolve(repoRoot, '..', 'shared', 'bounces');

describe('bounce classifier on the labelled samples', () => {
  it('qualifies at least 95% of failed recipients right and tells bounces from other mail', async () => {
    if (!existsSync(path.join(dir, 'labels.json')) || !existsSync(path.join(dir, 'samples'))) {
      throw new Error(`bounce samples not found: expected ${dir}/labels.json and ${dir}/samples/ (set MIDSIM_BOUNCES_DIR)`);
    }
    const labels = JSON.parse(readFileSync(path.join(dir, 'labels.json'), 'utf8')) as Record<string, BounceLabel>;
    const results: Record<string, BounceResult> = {};
    for (const file of readdirSync(path.join(dir, 'samples')).filter((f) => f.endsWith('.eml'))) {
      results[file] = await classifyBounce(readFileSync(path.join(dir, 'samples', file)));
    }
    const score = scoreBounces(labels, results);
    const names = Object.fromEntries(Object.entries(REASONS).map(([k, v]) => [k, v.reason]));
    const wrong = score.misclassified.map((m) => {
      const r = results[m.file]?.recipients.find((x) => x.recipient.toLowerCase() === m.recipient.toLowerCase());
      return `  ${m.file} <${m.recipient}> expected ${m.expected}, got ${m.predicted}${r ? ` | ${r.diagnostic.slice(0, 140)}` : ''}`;
    });
    console.log(`${renderScore(score, names)}\n\nmisclassified (${wrong.length}):\n${wrong.join('\n')}`);

    expect(score.recipients).toBeGreaterThan(0);
    expect(score.accuracy).toBeGreaterThanOrEqual(0.95);
    // One label is disputed: lhost-mimecast-01.eml is a real Mimecast delivery failure notice that
    // Sisimai 4.25 cannot parse, hence labelled a non-bounce. No file is special-cased here: the
    // bar leaves room for that one.
    expect(score.bounceAccuracy).toBeGreaterThanOrEqual(0.99);
  });
});
