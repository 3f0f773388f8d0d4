import { z } from 'zod';
import { isValidGameDate } from '../../domain/dates';
import { pythonTimestamp } from '../completion';
import type { PlatformContext } from '../context';
import type { ExportEvent, ExportTrigger } from '../events';
import { badRequest, HttpError, json, parseBody, type Route } from '../http';
import { pyFloat } from '../python-json';
import { decodeTriggerEnvelope, envelopeSchema } from './trigger-envelope';

const triggerSchema = z.object({
  export_types: z.array(z.string().min(1)).min(1, 'must list at least one export type'),
  target_date: z.string().refine(isValidGameDate, 'must be a YYYY-MM-DD date'),
  update_latest: z.boolean(),
  correlation_id: z.string().min(1),
  trigger_source: z.string().min(1),
});

/**
 * `POST {exportPushUrl}`: the phase-6 export function's push endpoint. Records each export (with `update_latest`:
 * only the newest date may overwrite the public "latest" files) and publishes its completion on
 * `nba-phase6-export-complete`. A redelivered messageId is accepted and recorded as a duplicate.
 */
export function exportRoutes(ctx: PlatformContext, path: string): Route[] {
  const seen = new Set<string>();
  return [
    {
      method: 'POST',
      path,
      handler: (call) => {
        const envelope = parseBody(envelopeSchema, call.body);
        let trigger: ExportTrigger;
        try {
          trigger = parseBody(triggerSchema, decodeTriggerEnvelope(envelope));
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
          `export: ${trigger.export_types.join(', ')} for ${trigger.target_date}, update_latest ${trigger.update_latest}${duplicate ? ' (duplicate delivery)' : ''}`,
        );
        if (!duplicate) {
          ctx.publisher.publish(ctx.config.topics[6], {
            processor_name: 'Phase6Export',
            phase: 'phase_6_publishing',
            correlation_id: trigger.correlation_id,
            timestamp: pythonTimestamp(ctx.now()),
            status: 'success',
            export_type: 'daily',
            duration_seconds: pyFloat(12.5),
            paths: trigger.export_types.map((t) => `gs://nba-props-exports/${t}/${trigger.target_date}.json`),
            errors: [],
            trigger_source: trigger.trigger_source,
            target_date: trigger.target_date,
            export_types: trigger.export_types,
          });
        }
        return json(204, undefined);
      },
    },
  ];
}
