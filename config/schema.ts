import { z } from 'zod';
import { addDays, clockChangeDates, isValidGameDate } from '../domain/dates';
import { isDayTime } from '../domain/day-times';
import { planDay, planProblems } from '../domain/day-plan';
import { LEGACY_MODES } from '../domain/legacy';

const name = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a snake_case name');
const processor = z.strictObject({
  name,
  className: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'must be a class name'),
  outputTable: name.or(z.string().regex(/^[a-z][a-z0-9]*$/, 'must be a table name')),
  aliases: z.array(z.string().min(1)).optional(),
  dependsOn: z.array(name).optional(),
});
const dayTime = z.string().refine(isDayTime, 'must be "D-1 HH:MM", "D HH:MM" or "D+1 HH:MM" (24-hour)');
const runMode = z.string().regex(/^[A-Z][A-Z_]*$/, 'must be a prediction_run_mode such as FIRST or RETRY');
const phase3Rule = z.strictObject({
  expected: z.array(name).min(1),
  critical: z.array(name),
  minimumComplete: z.number().int().min(1).max(5),
  carriedOver: z.array(name),
  remedyAt: dayTime,
});
const waves = z.array(z.strictObject({ at: dayTime, runMode })).min(1);
const lifecycle = z.strictObject({
  tomorrow: z.strictObject({
    countFrom: dayTime,
    endsAt: dayTime,
    phase3: phase3Rule,
    phase4At: dayTime,
    predictionWaves: waves,
  }),
  same_day: z.strictObject({
    countFrom: dayTime,
    endsAt: dayTime,
    phase3: phase3Rule,
    phase4At: dayTime,
    featureRefresh: z.strictObject({ at: z.array(dayTime), processors: z.array(name).min(1) }),
    predictionWaves: waves,
    predictionsDeadline: dayTime,
    tonightExports: z.strictObject({ at: z.array(dayTime), afterEachBatch: z.boolean() }),
  }),
  overnight: z.strictObject({
    countFrom: dayTime,
    endsAt: dayTime,
    phase3: phase3Rule,
    phase4LatestAt: dayTime,
    grading: z.strictObject({
      firstCheckAt: dayTime,
      lastCheckAt: dayTime,
      everyMinutes: z.number().int().min(1).max(240),
      retryUngraded: z.strictObject({
        times: z.number().int().min(0).max(10),
        waitMinutes: z.number().int().min(1).max(720),
      }),
    }),
    resultsExportAt: dayTime,
    gapCheckAt: dayTime,
  }),
});
const httpUrl = z.url({ protocol: /^https?$/ });
const hostPort = z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port');
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
    clock: z.strictObject({
      virtualAnchor: z.iso.datetime({ offset: true }).optional(),
      realAnchor: z.iso.datetime({ offset: true }).optional(),
    }),
    temporal: z.strictObject({
      address: hostPort,
      namespace: z.string().min(1),
      taskQueue: z.string().min(1),
      workflowIdPrefix: z.string().min(1),
      uiUrl: httpUrl,
      httpAddress: hostPort.optional(),
    }),
    processors: z.strictObject({
      1: z.array(processor).min(1),
      2: z.array(processor).min(1),
      3: z.array(processor).min(1),
      4: z.array(processor).min(1),
      5: z.array(processor).min(1),
    }),
    lifecycle,
    quorum: z.strictObject({ partialTriggerAfterMinutes: minutes }),
    phase4To5: z.strictObject({
      tiers: z
        .array(
          z.strictObject({
            minComplete: z.number().int().min(1).max(5),
            afterMinutes: z
              .number()
              .min(0)
              .max(24 * 60),
          }),
        )
        .min(1),
    }),
    topics: z.strictObject({
      1: topic,
      2: topic,
      3: topic,
      4: topic,
      5: topic,
      6: topic,
      exportTrigger: topic,
      gradingTrigger: topic,
      gradingComplete: topic,
    }),
    sla: z.strictObject({
      defaultMinutes: minutes,
      cycleGraceMinutes: minutes,
      perPhase: z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6']), minutes),
    }),
    predictions: z.strictObject({
      pollIntervalSeconds: z.number().positive().max(3600),
      stallMinutes: minutes,
      minCompletionPct: percent,
      minActivePredictions: z.number().int().min(0),
    }),
    export: z.strictObject({
      tonightTypes: z.array(z.string().min(1)).min(1),
      resultsTypes: z.array(z.string().min(1)).min(1),
      transport: z.enum(['pubsub', 'push']),
    }),
    platform: z.strictObject({
      projectId: z.string().min(1),
      scheduleUrl: httpUrl,
      analyticsUrl: httpUrl,
      precomputeUrl: httpUrl,
      coordinatorUrl: httpUrl,
      exportPushUrl: httpUrl,
      gradingPushUrl: httpUrl,
      requestTimeoutSeconds: z.number().positive().max(3600),
      precomputeTimeoutSeconds: z.number().positive().max(3600),
      auth: z.enum(['none', 'google-id-token']),
      breaker: z.strictObject({
        failureThreshold: z.number().int().min(1).max(1000),
        halfOpenAfterSeconds: z.number().positive().max(3600),
        minRetrySeconds: z.number().positive().max(3600),
      }),
      forbiddenRecheckMinutes: minutes,
    }),
    bridge: z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(0).max(65535),
      startWindowDays: z.number().int().min(0).max(366),
      maxBodyBytes: z.number().int().min(1024),
      maxMessageBytes: z.number().int().min(1024).max(2_000_000),
      temporalTimeoutSeconds: z.number().positive().max(9),
      recentMessageIds: z.number().int().min(0).max(10_000_000),
      auth: z.strictObject({
        mode: z.enum(['oidc', 'static-bearer', 'none']),
        audience: z.string().min(1).optional(),
        pushServiceAccount: z.email().optional(),
      }),
      pull: z.strictObject({
        subscriptions: z.array(z.string().regex(/^[A-Za-z][\w.~%+/-]*$/, 'must be a subscription name or path')),
        maxMessages: z.number().int().min(1).max(10_000),
      }),
    }),
    legacy: z.strictObject({
      mode: z.enum(LEGACY_MODES),
      firestore: z.strictObject({ projectId: z.string().min(1), databaseId: z.string().min(1) }),
      collections: z.strictObject({ phase3: z.string().min(1), phase4: z.string().min(1) }),
      triggerSubscriptions: z.strictObject({
        phase4: z.string().min(1).optional(),
        phase5: z.string().min(1).optional(),
      }),
    }),
    worker: z.strictObject({
      host: z.string().min(1),
      healthPort: z.number().int().min(0).max(65535),
      metricsPort: z.number().int().min(0).max(65535),
      workflowBundle: z.string().min(1).optional(),
      shutdownGraceSeconds: z.number().min(0).max(3600),
      buildId: z
        .string()
        .max(255)
        .regex(/^[A-Za-z0-9][\w.+@/-]*$/, 'must be letters, digits and . _ + @ / - (e.g. 0.1.0+5d1c0b7e9a2f)')
        .optional(),
      deploymentName: z.string().regex(/^[A-Za-z0-9][\w-]{0,99}$/, 'must be letters, digits, _ and - (no dots)'),
      useWorkerVersioning: z.boolean(),
      defaultVersioningBehavior: z.enum(['PINNED', 'AUTO_UPGRADE']),
    }),
    logging: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error']) }),
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
    limits: z.strictObject({
      historyEvents: z.number().int().min(100).max(50_000),
      messageIds: z.number().int().min(10).max(10_000),
    }),
    localStack: z.strictObject({
      demoDate: z.string().refine(isValidGameDate, 'must be a YYYY-MM-DD date'),
      temporalPort: z.number().int().min(1).max(65535),
      uiPort: z.number().int().min(1).max(65535),
      httpPort: z.number().int().min(1).max(65535),
      dataDir: z.string().min(1),
      timeScale: z.number().positive().max(1),
      startsAt: dayTime,
      stepTimeoutSeconds: z.number().positive().max(3600),
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
      ledgerStore: z.enum(['file', 'firestore']),
      ledgerCollection: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a top-level Firestore collection name'),
    }),
  })
  .superRefine((config, ctx) => {
    if (config.bridge.auth.mode === 'oidc') {
      for (const key of ['audience', 'pushServiceAccount'] as const) {
        if (!config.bridge.auth[key]) {
          ctx.addIssue({ code: 'custom', path: ['bridge', 'auth', key], message: 'is required with mode "oidc"' });
        }
      }
    }
    const phase3Names = new Set(config.processors[3].map((p) => p.name));
    for (const cycle of ['tomorrow', 'same_day', 'overnight'] as const) {
      const rule = config.lifecycle[cycle].phase3;
      if (rule.minimumComplete > rule.expected.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['lifecycle', cycle, 'phase3', 'minimumComplete'],
          message: `cannot exceed the ${rule.expected.length} expected processors`,
        });
      }
      for (const field of ['expected', 'critical', 'carriedOver'] as const) {
        for (const n of rule[field]) {
          if (!phase3Names.has(n)) {
            ctx.addIssue({
              code: 'custom',
              path: ['lifecycle', cycle, 'phase3', field],
              message: `unknown phase-3 processor "${n}"`,
            });
          }
        }
      }
      for (const n of rule.critical) {
        if (!rule.expected.includes(n)) {
          ctx.addIssue({
            code: 'custom',
            path: ['lifecycle', cycle, 'phase3', 'critical'],
            message: `critical processor "${n}" is not expected`,
          });
        }
      }
    }
    const phase4Names = new Set(config.processors[4].map((p) => p.name));
    for (const n of config.lifecycle.same_day.featureRefresh.processors) {
      if (!phase4Names.has(n)) {
        ctx.addIssue({
          code: 'custom',
          path: ['lifecycle', 'same_day', 'featureRefresh', 'processors'],
          message: `unknown phase-4 processor "${n}"`,
        });
      }
    }
    if (isKnownTimeZone(config.timeZone)) {
      // Sound on an ordinary day and on every game date whose D-1, D or D+1 has a clock change (a malformed time is
      // reported by its field).
      const changes = clockChangeDates(2026, config.timeZone);
      const samples = ['2026-01-15', ...changes.flatMap((d) => [addDays(d, 1), d, addDays(d, -1)])];
      const problems = new Set<string>();
      try {
        for (const sample of samples)
          planProblems(planDay(sample, config.lifecycle, config.timeZone)).forEach((p) => problems.add(p));
      } catch {
        // A malformed time: its own field says so.
      }
      for (const problem of problems) ctx.addIssue({ code: 'custom', path: ['lifecycle'], message: problem });
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
