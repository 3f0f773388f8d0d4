import { z } from 'zod';

const name = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a snake_case name');
const processor = z.strictObject({
  name,
  className: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'must be a class name'),
  outputTable: name,
  dependsOn: z.array(name).optional(),
});
const modeRule = z.strictObject({ expected: z.array(name).min(1), critical: z.array(name) });
const modePhases = z.strictObject({ 1: modeRule, 2: modeRule, 3: modeRule });
const httpUrl = z.url({ protocol: /^https?$/ });
const minutes = z
  .number()
  .positive()
  .max(24 * 60);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');
const topic = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a Pub/Sub topic name');

export const configSchema = z
  .strictObject({
    timeZone: z.string().refine(isKnownTimeZone, 'is not a known IANA time zone'),
    timeScale: z.number().positive().max(1),
    temporal: z.strictObject({
      address: z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port'),
      namespace: z.string().min(1),
      taskQueue: z.string().min(1),
      workflowIdPrefix: z.string().min(1),
      uiUrl: httpUrl,
    }),
    processors: z.strictObject({
      1: z.array(processor).min(1),
      2: z.array(processor).min(1),
      3: z.array(processor).min(1),
      4: z.array(processor).min(1),
      5: z.array(processor).min(1),
    }),
    modes: z.strictObject({ overnight: modePhases, same_day: modePhases, tomorrow: modePhases }),
    topics: z.strictObject({ 1: topic, 2: topic, 3: topic, 4: topic, 5: topic, 6: topic, exportTrigger: topic }),
    quorum: z.strictObject({ partialTriggerAfterMinutes: minutes, minimumComplete: z.number().int().min(1).max(5) }),
    sla: z.strictObject({
      defaultMinutes: minutes,
      perPhase: z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6']), minutes),
    }),
    predictions: z.strictObject({
      pollIntervalSeconds: z.number().positive().max(3600),
      minCompletionPct: z.number().min(0).max(100),
      minActivePredictions: z.number().int().min(0),
      deadlineET: hhmm,
      predictionRunMode: z.string().min(1),
    }),
    export: z.strictObject({ exportTypes: z.array(z.string().min(1)).min(1), transport: z.enum(['pubsub', 'push']) }),
    operatorWaitHours: z
      .number()
      .positive()
      .max(24 * 14),
    platform: z.strictObject({
      projectId: z.string().min(1),
      scheduleUrl: httpUrl,
      analyticsUrl: httpUrl,
      precomputeUrl: httpUrl,
      coordinatorUrl: httpUrl,
      exportPushUrl: httpUrl,
      requestTimeoutSeconds: z.number().positive().max(3600),
      auth: z.enum(['none', 'google-id-token']),
    }),
    bridge: z.strictObject({ host: z.string().min(1), port: z.number().int().min(0).max(65535) }),
  })
  .superRefine((config, ctx) => {
    for (const [mode, phases] of Object.entries(config.modes)) {
      for (const phase of ['1', '2', '3'] as const) {
        const known = new Set(config.processors[phase].map((p) => p.name));
        const rule = phases[phase];
        for (const [field, names] of [
          ['expected', rule.expected],
          ['critical', rule.critical],
        ] as const) {
          for (const n of names) {
            if (!known.has(n)) {
              ctx.addIssue({
                code: 'custom',
                path: ['modes', mode, phase, field],
                message: `unknown processor "${n}" for phase ${phase}`,
              });
            }
          }
        }
        for (const n of rule.critical) {
          if (!rule.expected.includes(n)) {
            ctx.addIssue({
              code: 'custom',
              path: ['modes', mode, phase, 'critical'],
              message: `critical processor "${n}" is not expected`,
            });
          }
        }
      }
    }
    const upstream = new Set([...config.processors[3], ...config.processors[4]].map((p) => p.name));
    const seen = new Set<string>();
    for (const p of config.processors[4]) {
      for (const dep of p.dependsOn ?? []) {
        if (!upstream.has(dep)) {
          ctx.addIssue({
            code: 'custom',
            path: ['processors', '4'],
            message: `${p.name} depends on unknown processor "${dep}"`,
          });
        } else if (config.processors[4].some((q) => q.name === dep) && !seen.has(dep)) {
          ctx.addIssue({
            code: 'custom',
            path: ['processors', '4'],
            message: `${p.name} is listed before its dependency "${dep}"`,
          });
        }
      }
      seen.add(p.name);
    }
  });

export type GamedayConfig = z.infer<typeof configSchema>;

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
