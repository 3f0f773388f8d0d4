import { z } from 'zod';
import { isValidGameDate } from '../../domain/dates';
import type { PlatformContext } from '../context';
import type { ExportEvent, ExportTrigger } from '../events';
import { badRequest, HttpError, json, parseBody, type Route } from '../http';

const envelopeSchema = z.object({
  message: z.object({
    data: z.string().min(1, 'must be base64-encoded JSON'),
    messageId: z.string().min(1).optional(),
    message_id: z.string().min(1).optional(),
    publishTime: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
  }),
  subscription: z.string().optional(),
});

const triggerSchema = z.object({
  export_types: z.array(z.string().min(1)).min(1, 'must list at least one export type'),
  target_date: z.string().refine(isValidGameDate, 'must be a YYYY-MM-DD date'),
  update_latest: z.boolean(),
  correlation_id: z.string().min(1),
  trigger_source: z.string().min(1),
});

/**
 * `POST {exportPushUrl}`: the phase-6 export function's push endpoint. Takes a Pub/Sub push envelope
 * whose data is the export trigger message; 400 with the reason when either is malformed, else records
 * it and answers 204. A redelivered messageId is accepted again and recorded as a duplicate.
 */
export function exportRoutes(ctx: PlatformContext, path: string): Route[] {
  const seen = new Set<string>();
  return [
    {
      method: 'POST',
      path,
      handler: (call) => {
        const envelope = parseBody(envelopeSchema, call.body);
        let decoded: unknown;
        try {
          const text = Buffer.from(envelope.message.data, 'base64').toString('utf8');
          decoded = JSON.parse(text);
        } catch {
          throw badRequest('message.data: is not base64-encoded JSON');
        }
        let trigger: ExportTrigger;
        try {
          trigger = parseBody(triggerSchema, decoded);
        } catch (err) {
          if (err instanceof HttpError) throw badRequest(`export trigger message: ${String(err.body.message)}`);
          throw err;
        }
        if (ctx.faults.hit('export:500', ctx.scenario().export?.http500Times)) {
          throw new HttpError(
            500,
            { status: 'error', message: 'phase6-export: Internal Server Error (scenario http500Times)' },
            'http500',
          );
        }
        const messageId = envelope.message.messageId ?? envelope.message.message_id ?? '';
        const duplicate = messageId !== '' && seen.has(messageId);
        if (messageId) seen.add(messageId);
        ctx.events.add<ExportEvent>({
          type: 'export',
          messageId,
          subscription: envelope.subscription,
          trigger,
          duplicate,
        });
        ctx.log(
          `export: ${trigger.export_types.join(', ')} for ${trigger.target_date}${duplicate ? ' (duplicate delivery)' : ''}`,
        );
        return json(204, undefined);
      },
    },
  ];
}
