/** The one schema every door uses: ranges, dates, departments, sources, duplicates — every problem at once. */
import { describe, expect, it } from 'vitest';
import { checkBatch, metricInfo, TEAM, type InputContext } from '../../src/core/metrics/model.js';

const context: InputContext = { today: '2026-11-24', departments: ['support', 'billing'], defaultSource: 'api' };

describe('metric items', () => {
  it('takes known and custom metrics, defaulting the department to the whole team and the source to the door', () => {
    const result = checkBatch(
      [
        { metric: 'csat', date: '2026-11-23', value: 4.6, count: 212, department: 'support', source: 'zendesk' },
        { metric: 'backlog', date: '2026-11-23', value: 0 },
        { metric: 'chatsHandled_v2', date: '2027-11-25', value: -3.5 },
      ],
      context,
    );
    expect(result).toEqual({
      ok: true,
      points: [
        { metric: 'csat', date: '2026-11-23', value: 4.6, count: 212, department: 'support', source: 'zendesk' },
        { metric: 'backlog', date: '2026-11-23', value: 0, department: TEAM, source: 'api' },
        { metric: 'chatsHandled_v2', date: '2027-11-25', value: -3.5, department: TEAM, source: 'api' },
      ],
    });
    expect(metricInfo('chatsHandled_v2').label).toBe('chatsHandled_v2');
  });

  it('lists every problem by item and field, with the range, and accepts nothing', () => {
    const result = checkBatch(
      [
        { metric: 'csat', date: '2026-11-23', value: 7 },
        { metric: 'backlog', date: '2026-11-23', value: -1 },
        { metric: 'backlog', date: '2026-11-23', value: 2.5 },
        { metric: 'nps', date: '23/11/2026', value: 10 },
        { metric: 'nps', date: '2026-02-30', value: 10 },
        { metric: 'nps', date: '2027-11-26', value: 10 },
        { metric: 'Bad-Name', date: '2026-11-23', value: '4' },
        { metric: 'csat', date: '2026-11-23', value: 4, department: 'legal', source: 'shiftlead', colour: 'red' },
        'not an object',
        { metric: 'resolutionRate', date: '2026-11-23', value: 0.9, count: 0 },
      ],
      context,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      { index: 0, field: 'value', message: 'csat must be a number from 1 to 5 (average rating, 1–5); got 7' },
      { index: 1, field: 'value', message: 'backlog must be a whole number from 0 to 100,000,000 (open tickets); got -1' },
      { index: 2, field: 'value', message: 'backlog must be a whole number from 0 to 100,000,000 (open tickets); got 2.5' },
      { index: 3, field: 'date', message: 'must be a date written YYYY-MM-DD, e.g. 2026-11-23' },
      { index: 4, field: 'date', message: 'is not a real date' },
      { index: 5, field: 'date', message: 'is more than a year ahead (the latest accepted is 2027-11-25)' },
      { index: 6, field: 'metric', message: 'must be a metric name: a lowercase letter, then up to 39 letters, digits or "_" (e.g. csat, firstResponseMinutes)' },
      { index: 6, field: 'value', message: 'must be a number' },
      { index: 7, field: 'department', message: 'must be a department of the team configuration (support, billing), or left out for the whole team' },
      { index: 7, field: 'source', message: '"shiftlead" is Shiftlead\'s own records; name another source' },
      { index: 7, field: 'colour', message: 'is not a field of a metric (metric, date, value, count, department, source)' },
      { index: 8, field: '(item)', message: 'must be an object' },
      { index: 9, field: 'count', message: 'must be at least 1 (send nothing for a day without any)' },
    ]);
  });

  it('refuses the same (metric, date, department, source) twice in one batch', () => {
    const result = checkBatch(
      [
        { metric: 'csat', date: '2026-11-23', value: 4.1, source: 'zendesk' },
        { metric: 'csat', date: '2026-11-23', value: 4.2, source: 'zendesk' },
        { metric: 'csat', date: '2026-11-23', value: 4.2, source: 'survey' },
      ],
      context,
      (i) => i + 2,
    );
    expect(result).toEqual({ ok: false, problems: [{ index: 3, field: 'metric', message: 'repeats item 2 (same metric, date, department and source)' }] });
  });
});
