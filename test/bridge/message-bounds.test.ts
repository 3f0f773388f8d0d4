import { ServiceError } from '@temporalio/client';
import { checkMessageBounds, jsonDepth, MAX_MESSAGE_DEPTH } from '../../bridge/message-bounds';
import { temporalErrorKind, temporalErrorText } from '../../bridge/temporal-errors';

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth - 1)}0${']'.repeat(depth - 1)}`);

describe('message bounds', () => {
  test('depth is counted without recursion, even far past what a stack holds', () => {
    expect(jsonDepth('x')).toBe(1);
    expect(jsonDepth({ metadata: { a: [1] } })).toBe(4);
    expect(jsonDepth(nested(50_000))).toBe(MAX_MESSAGE_DEPTH + 1);
  });

  test('too deep, too large, or fine', () => {
    expect(checkMessageBounds({ metadata: nested(MAX_MESSAGE_DEPTH - 1) }, 10_000)).toEqual({ ok: true });
    expect(checkMessageBounds({ metadata: nested(MAX_MESSAGE_DEPTH) }, 10_000)).toMatchObject({
      ok: false,
      code: 'too_deep',
    });
    expect(checkMessageBounds({ error_message: 'é'.repeat(600) }, 1200)).toMatchObject({
      ok: false,
      code: 'too_large',
      reason: expect.stringMatching(/^the message is 1220 bytes, over bridge.maxMessageBytes \(1200\)/),
    });
  });
});

describe("Temporal's refusals", () => {
  const grpc = (code: number, details: string) => Object.assign(new Error(details), { code, details, metadata: {} });
  const failedCall = (code: number, details: string) =>
    new ServiceError('Failed to signalWithStart Workflow', { cause: grpc(code, details) });

  test("only an invalid argument is the message's fault; lost rights and throttling are retried", () => {
    expect(temporalErrorKind(failedCall(3, 'Blob data size exceeds limit.'))).toBe('permanent');
    expect(temporalErrorKind(failedCall(7, 'Request unauthorized.'))).toBe('transient');
    expect(temporalErrorKind(failedCall(16, 'Request unauthenticated.'))).toBe('transient');
    expect(temporalErrorKind(failedCall(9, 'Namespace is not active.'))).toBe('transient');
    expect(temporalErrorKind(failedCall(8, 'namespace rate limit exceeded'))).toBe('throttled');
    expect(temporalErrorKind(grpc(14, 'No connection established'))).toBe('transient');
  });

  test("the text says the cause's reason", () => {
    expect(temporalErrorText(failedCall(7, 'Request unauthorized.'))).toBe(
      'Failed to signalWithStart Workflow: Request unauthorized.',
    );
    expect(temporalErrorText(grpc(14, 'down'))).toBe('down');
    expect(temporalErrorText('plain')).toBe('plain');
  });
});
