// The catalogue's outputs from one conformance.json: the matrix, JUnit (n.a. is skipped, the
// source in the properties) and the HTML matrix with the bounce qualification table.
import { describe, expect, it } from 'vitest';
import { conformanceToJUnit, renderConformanceHtml, renderMatrix } from './report.js';
import type { ConformanceResult } from './run.js';

const result: ConformanceResult = {
  startedAt: '2026-11-23T10:00:00.000Z',
  durationMs: 20_000,
  target: 'reference',
  runtime: 'process',
  modes: ['mid-sourcing', 'on-premise'],
  requirements: [
    { id: 'MS-SOAP-10', text: 'AppendDeliveryPart is idempotent.', source: 'SOAP API <AppendDeliveryPart>', modes: ['mid-sourcing'] },
    { id: 'MS-QUAL-01', text: 'Bounces qualified right.', source: 'Bounce qualification', modes: ['mid-sourcing', 'on-premise'] },
  ],
  contradictions: [{ id: 'C1', topic: 'soft threshold', readings: [{ reading: '5th', source: 'a' }, { reading: '6th', source: 'b' }], follows: 'the 5th', why: 'because' }],
  cells: [
    { requirement: 'MS-SOAP-10', mode: 'mid-sourcing', status: 'fail', detail: '6 rows stored for 3 ids', timeMs: 12 },
    { requirement: 'MS-SOAP-10', mode: 'on-premise', status: 'n.a.', detail: 'applies to mid-sourcing', timeMs: 0 },
    { requirement: 'MS-QUAL-01', mode: 'mid-sourcing', status: 'pass', detail: '97.6%', timeMs: 900, data: { accuracy: 0.976, recipients: 291, perReason: { '1': { support: 100, predicted: 98, correct: 97, precision: 0.99, recall: 0.97 } } } },
    { requirement: 'MS-QUAL-01', mode: 'on-premise', status: 'pass', detail: '97.6%', timeMs: 900 },
  ],
  runs: { 'mid-sourcing': { dir: 'run-mid-sourcing', verdict: 'pass', durationMs: 15_000 }, 'on-premise': null },
  unchecked: [],
  verdict: 'fail',
};

describe('conformance reports', () => {
  it('prints a requirement x mode matrix and the failures', () => {
    const m = renderMatrix(result);
    expect(m).toMatch(/^MS-SOAP-10 +FAIL +n\.a\. +AppendDeliveryPart is idempotent\.$/m);
    expect(m).toMatch(/^MS-QUAL-01 +pass +pass /m);
    expect(m).toMatch(/^FAIL MS-SOAP-10 \(mid-sourcing\): 6 rows stored for 3 ids$/m);
    expect(m).toMatch(/^FAIL: 2 requirements x 2 mode\(s\): 2 pass, 1 fail, 1 n\.a\.$/m);
    expect(renderMatrix({ ...result, unchecked: ['cloud'] })).toMatch(/^FAIL mode cloud: no requirement of the catalogue applies to it, nothing was checked$/m);
  });

  it('writes one JUnit case per requirement and mode, n.a. as skipped, the source as a property', () => {
    const x = conformanceToJUnit(result);
    expect(x).toMatch(/<testsuite name="conformance \(mid-sourcing\)" tests="2" failures="1" errors="0" skipped="0"/);
    expect(x).toMatch(/<testsuite name="conformance \(on-premise\)" tests="2" failures="0" errors="0" skipped="1"/);
    expect(x).toMatch(/<property name="source" value="SOAP API &lt;AppendDeliveryPart&gt;"\/>/);
    expect(x).toMatch(/<failure message="6 rows stored for 3 ids" type="failure">/);
    expect(x).toMatch(/<skipped message="applies to mid-sourcing"\/>/);
  });

  it('renders the HTML matrix, the per-reason precision and recall, and the contradictions', () => {
    const h = renderConformanceHtml(result);
    expect(h).toMatch(/<tr id="MS-SOAP-10">[\s\S]*?<td class="s-fail"[^>]*>FAIL<\/td><td class="s-na"/);
    expect(h).toMatch(/<table id="bounces">[\s\S]*<td>1<\/td><td class="num">100<\/td><td class="num">98<\/td><td class="num">99\.0%<\/td><td class="num">97\.0%<\/td>/);
    expect(h).toMatch(/<table id="contradictions">[\s\S]*C1[\s\S]*the 5th/);
  });
});
