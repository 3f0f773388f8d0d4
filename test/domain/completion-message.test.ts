import { parseCompletionMessage } from '../../domain/completion-message';

const valid = {
  processor_name: 'PlayerGameSummaryProcessor',
  phase: 'phase_3_analytics',
  execution_id: 'e-1',
  correlation_id: 'c-1',
  game_date: '2025-12-29',
  status: 'success',
  timestamp: '2025-12-29T17:05:00Z',
};

describe('the completion message contract', () => {
  test('a valid message passes; null values are dropped as the publisher drops them', () => {
    const parsed = parseCompletionMessage({ ...valid, output_table: null, record_count: 352 });
    expect(parsed).toEqual({ ok: true, value: { ...valid, record_count: 352 } });
  });

  test.each([
    [{ ...valid, phase: 'constructor' }, /unknown phase "constructor"/],
    [{ ...valid, phase: '__proto__' }, /unknown phase "__proto__"/],
    [{ ...valid, phase: 'toString' }, /unknown phase "toString"/],
    [{ ...valid, status: 'done' }, /unknown status "done"/],
    [{ ...valid, game_date: '2025-12-32' }, /game_date "2025-12-32" is not a YYYY-MM-DD date/],
    [{ ...valid, execution_id: '' }, /execution_id is required/],
    [{ ...valid, record_count: '12' }, /record_count must be a number/],
    [{ ...valid, metadata: [] }, /metadata must be an object/],
    [{ ...valid, timestamp: 'yesterday' }, /timestamp "yesterday" is not an ISO-8601 time/],
    [[valid], /must be a JSON object/],
  ])('a bad message is refused with the reason: %j', (message, reason) => {
    const parsed = parseCompletionMessage(message);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toMatch(reason);
  });
});
