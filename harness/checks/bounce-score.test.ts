import { describe, expect, it } from 'vitest';
import { renderScore, scoreBounces, type BounceLabel, type PredictedBounce } from './bounce-score.js';

const f = (reasonCode: number) => ({ reasonCode });

describe('scoreBounces', () => {
  const labels: Record<string, BounceLabel> = {
    'a.eml': { bounce: true, recipients: [{ recipient: 'X@example.org', failure: f(1) }, { recipient: 'y@example.org', failure: f(5) }] },
    'b.eml': { bounce: true, recipients: [{ recipient: '', failure: f(20) }] },
    'c.eml': { bounce: true, recipients: [{ recipient: 'ok@example.org', failure: null }] },
    'd.eml': { bounce: false },
    'e.eml': { bounce: true, recipients: [{ recipient: 'lost@example.org', failure: f(3) }] },
  };
  const predictions: Record<string, PredictedBounce> = {
    // matched by address, case-insensitively, in any order
    'a.eml': { bounce: true, recipients: [{ recipient: 'y@example.org', reasonCode: 20 }, { recipient: 'x@example.org', reasonCode: 1 }] },
    // matched by position: the label has no address
    'b.eml': { bounce: true, recipients: [{ recipient: 'whoever@example.org', reasonCode: 20 }] },
    // delivered: the label expects null
    'c.eml': { bounce: true, recipients: [{ recipient: 'ok@example.org', reasonCode: null }] },
    // a non-bounce taken for a bounce
    'd.eml': { bounce: true, recipients: [{ recipient: 'z@example.org', reasonCode: 0 }] },
    // the recipient was not found at all
    'e.eml': { bounce: false, recipients: [] },
  };
  const s = scoreBounces(labels, predictions);

  it('counts reasonCode accuracy over labelled recipients', () => {
    expect(s.recipients).toBe(5);
    expect(s.correct).toBe(3);
    expect(s.accuracy).toBeCloseTo(0.6);
    expect(s.misclassified).toEqual([
      { file: 'a.eml', recipient: 'y@example.org', expected: '5', predicted: '20' },
      { file: 'd.eml', recipient: '', expected: 'not a bounce', predicted: 'bounce' },
      { file: 'e.eml', recipient: 'lost@example.org', expected: '3', predicted: 'missing' },
    ]);
  });

  it('counts bounce / non-bounce accuracy over files', () => {
    expect(s.files).toBe(5);
    expect(s.bounceCorrect).toBe(3); // d and e are wrong
    expect(s.nonBounces).toBe(1);
    expect(s.nonBouncesRecognised).toBe(0);
  });

  it('builds the confusion table and precision / recall per reason', () => {
    expect(s.confusion).toEqual({ '1': { '1': 1 }, '5': { '20': 1 }, '20': { '20': 1 }, delivered: { delivered: 1 }, '3': { missing: 1 } });
    expect(s.perReason['20']).toEqual({ support: 1, predicted: 2, correct: 1, precision: 0.5, recall: 1 });
    expect(s.perReason['5']).toEqual({ support: 1, predicted: 0, correct: 0, precision: null, recall: 0 });
    expect(s.perReason['missing']).toMatchObject({ support: 0, predicted: 1, recall: null });
  });

  it('renders the table as text', () => {
    const text = renderScore(s, { 1: 'User unknown', 20: 'Refused' });
    expect(text).toContain('reasonCode accuracy 60.0% (3/5 recipients)');
    expect(text).toContain('0/1 non-bounces recognised');
    expect(text).toMatch(/1 User unknown\s+1/);
    expect(text).toMatch(/20 Refused\s+1\s+2\s+50\.0%\s+100\.0%/);
  });

  it('scores an empty set as perfect and a missing prediction as not a bounce', () => {
    expect(scoreBounces({}, {}).accuracy).toBe(1);
    const missing = scoreBounces({ 'x.eml': { bounce: true, recipients: [{ recipient: 'a@x.test', failure: f(1) }] } }, {});
    expect(missing.misclassified[0]).toMatchObject({ predicted: 'missing' });
  });
});
