/**
 * Platform messages exactly as the real publishers build them (PLATFORM.md; /work/research read from the platform's
 * source): the shared publisher's key order, top-level nulls dropped, `metadata` always present.
 */
import type { GamedayConfig } from '../../config/schema';
import type { CompletionMessage } from '../../domain/messages';

let sequence = 0;
const hex8 = () => (0x10000000 + (((sequence += 1) * 2654435761) % 0xefffffff)).toString(16).slice(-8);

const PHASE_FIELD = {
  1: 'phase_1_scrapers',
  2: 'phase_2_raw',
  3: 'phase_3_analytics',
  4: 'phase_4_precompute',
  5: 'phase_5_predictions',
} as const;

/** A completion of a configured processor, published under its class name (phases 2-5) or snake name (phase 1). */
export function completion(
  config: GamedayConfig,
  phase: 1 | 2 | 3 | 4 | 5,
  name: string,
  gameDate: string,
  at: Date | number,
  fields: Partial<CompletionMessage> = {},
): CompletionMessage {
  const spec = config.processors[phase].find((p) => p.name === name);
  if (!spec) throw new Error(`no phase-${phase} processor ${name}`);
  const id = hex8();
  const dataset =
    phase === 1 || phase === 2
      ? 'nba_raw'
      : phase === 3
        ? 'nba_analytics'
        : phase === 4
          ? 'nba_precompute'
          : 'nba_predictions';
  const message = {
    processor_name: phase === 1 ? spec.name : spec.className,
    phase: PHASE_FIELD[phase],
    execution_id: id,
    correlation_id: id,
    game_date: gameDate,
    output_table: phase === 2 ? `nba_raw.${spec.outputTable}` : spec.outputTable,
    output_dataset: dataset,
    status: 'success' as const,
    record_count: 120,
    records_failed: 0,
    timestamp: new Date(at).toISOString().replace('Z', '000+00:00'),
    duration_seconds: 4.2,
    trigger_source: phase === 1 ? 'scheduler' : 'manual',
    metadata: {},
    ...fields,
  };
  return message as CompletionMessage;
}

/** The push envelope a Pub/Sub push subscription posts for a message. */
export function pushEnvelope(
  data: string | object,
  options: { messageId?: string; subscription?: string; publishTime?: string } = {},
) {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return {
    message: {
      data: Buffer.from(text, 'utf8').toString('base64'),
      messageId: options.messageId ?? `${Date.now()}${Math.floor(Math.random() * 1e6)}`,
      message_id: options.messageId,
      publishTime: options.publishTime ?? new Date().toISOString(),
      attributes: {},
    },
    subscription: options.subscription ?? 'projects/nba-props-platform/subscriptions/gameday',
  };
}
