import { z } from 'zod';
import { isValidGameDate } from '../domain/dates';

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
/** Schedule times avoid 01:00-02:59 local: daylight-saving days skip (02:xx) or repeat (01:xx) them. */
const scheduleTime = hhmm.refine(
  (t) => !t.startsWith('01:') && !t.startsWith('02:'),
  'must avoid 01:00-02:59 (daylight-saving days skip or repeat those times)',
);
const scheduleTimes = z
  .array(scheduleTime)
  .min(1)
  .refine((times) => new Set(times).size === times.length, 'must not repeat a time');
const dayOffset = z.number().int().min(-7).max(7);
const remedy = z.enum(['alert', 'retry', 'advance', 'retry-then-advance']);
const dataset = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,1023}$/, 'must be a BigQuery dataset name');
const percent = z.number().min(0, 'must not be negative').max(100, 'must be at most 100');

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
      maxWaitMinutes: minutes,
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
    bridge: z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(0).max(65535),
      startWindowDays: z.number().int().min(0).max(366),
    }),
    warehouse: z.strictObject({
      enabled: z.boolean(),
      projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a Google Cloud project ID'),
      location: z.string().min(1),
      apiEndpoint: httpUrl.optional(),
      datasets: z.strictObject({
        raw: dataset,
        analytics: dataset,
        precompute: dataset,
        predictions: dataset,
        orchestration: dataset,
      }),
      gates: z.strictObject({
        recheckMinutes: minutes,
        minRows: z.record(name, z.number().int().nonnegative('must not be negative')),
        fullSlateGames: z.number().int().min(1).max(30),
        minScheduleCoveragePct: percent,
        minPhase4Tables: z.number().int().nonnegative('must not be negative'),
        requiredPhase4Tables: z.array(name),
        minCleanFeaturePct: percent,
      }),
    }),
    localStack: z.strictObject({
      demoDate: z.string().refine(isValidGameDate, 'must be a YYYY-MM-DD date'),
      temporalPort: z.number().int().min(1).max(65535),
      uiPort: z.number().int().min(1).max(65535),
      dataDir: z.string().min(1),
      timeScale: z.number().positive().max(1),
    }),
    schedules: z.strictObject({
      idPrefix: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a plain ID prefix'),
      catchupWindowMinutes: z
        .number()
        .min(1)
        .max(7 * 24 * 60),
      pipelineTomorrow: z.strictObject({ enabled: z.boolean(), times: scheduleTimes, dateOffsetDays: dayOffset }),
      pipelineToday: z.strictObject({ enabled: z.boolean(), times: scheduleTimes, dateOffsetDays: dayOffset }),
      selfHeal: z.strictObject({ enabled: z.boolean(), times: scheduleTimes }),
      dailySummary: z.strictObject({
        enabled: z.boolean(),
        times: scheduleTimes,
        dateOffsetsDays: z.array(dayOffset).min(1).max(7),
      }),
    }),
    selfHeal: z.strictObject({
      remedies: z.strictObject({ 1: remedy, 2: remedy, 3: remedy, 4: remedy, 5: remedy, 6: remedy }),
    }),
    alerts: z.strictObject({
      emailTo: z.string(),
      emailFrom: z.string().min(1),
      subjectPrefix: z.string(),
      ledgerPath: z.string(),
    }),
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
    const phase3Tables = config.processors[3].map((p) => p.outputTable);
    for (const table of Object.keys(config.warehouse.gates.minRows)) {
      if (!phase3Tables.includes(table)) {
        ctx.addIssue({
          code: 'custom',
          path: ['warehouse', 'gates', 'minRows', table],
          message: `unknown table "${table}": expected a phase-3 table (${phase3Tables.join(', ')})`,
        });
      }
    }
    const phase4Tables = config.processors[4].map((p) => p.outputTable);
    config.warehouse.gates.requiredPhase4Tables.forEach((table, i) => {
      if (!phase4Tables.includes(table)) {
        ctx.addIssue({
          code: 'custom',
          path: ['warehouse', 'gates', 'requiredPhase4Tables', i],
          message: `unknown table "${table}": expected a phase-4 table (${phase4Tables.join(', ')})`,
        });
      }
    });
    if (config.warehouse.gates.minPhase4Tables > phase4Tables.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['warehouse', 'gates', 'minPhase4Tables'],
        message: `cannot exceed the ${phase4Tables.length} phase-4 tables`,
      });
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
