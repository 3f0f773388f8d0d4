import { z } from 'zod';
import { badRequest } from '../http';

/** The push envelope a trigger topic's subscription posts to a function (export, grading). */
export const envelopeSchema = z.object({
  message: z.object({
    data: z.string().min(1, 'must be base64-encoded JSON'),
    messageId: z.string().min(1).optional(),
    message_id: z.string().min(1).optional(),
    publishTime: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
  }),
  subscription: z.string().optional(),
});

export function decodeTriggerEnvelope(envelope: z.infer<typeof envelopeSchema>): unknown {
  try {
    return JSON.parse(Buffer.from(envelope.message.data, 'base64').toString('utf8'));
  } catch {
    throw badRequest('message.data: is not base64-encoded JSON');
  }
}
