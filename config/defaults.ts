/** The local stack's HTTP API port: `localStack.httpPort` and the default `temporal.httpAddress`. */
const LOCAL_HTTP_PORT = 7243;

/**
 * Every fact Gameday knows about the platform, in one place: processor names and classes, topics,
 * thresholds, timers and schedule times. Loaded and validated by `loadConfig`.
 */
export const DEFAULT_CONFIG = {
  timeZone: 'America/New_York',
  /** Multiplies every timer and SLA; 1 in production. The demo stack runs a 40-hour day in about four minutes. */
  timeScale: 1,
  /**
   * The day's clock. Unset in production (the workflow's clock is Temporal's). The local stack and tests set a
   * virtual anchor: at real instant `realAnchor` (default: the workflow's start) it is `virtualAnchor`, and virtual
   * time runs 1/timeScale times faster, so one day's timers keep their wall-clock times in America/New_York.
   */
  clock: {
    virtualAnchor: undefined as string | undefined,
    realAnchor: undefined as string | undefined,
  },
  temporal: {
    address: '127.0.0.1:7233',
    namespace: 'default',
    taskQueue: 'gameday',
    workflowIdPrefix: 'gameday-',
    uiUrl: 'http://127.0.0.1:8233',
    /**
     * The frontend's HTTP API (host:port), which `gameday status` reads with plain HTTP requests instead of gRPC.
     * The default is the local stack's (localStack.httpPort) and goes with the default `address` only: with another
     * gRPC address and no HTTP address of its own (config file or TEMPORAL_HTTP_ADDRESS), status uses gRPC.
     */
    httpAddress: `127.0.0.1:${LOCAL_HTTP_PORT}` as string | undefined,
  },
  /**
   * The processors Gameday knows, per phase, with the names they publish under. Phases 1-2 are observed only
   * (status and SLA alerts, never a blocking list); phases 3-5 feed the day's rules. Anything else a topic carries
   * (the hourly injury report, dozens of other scrapers) is acknowledged and counted, never an error.
   */
  processors: {
    1: [
      { name: 'nbac_schedule_api', className: 'GetNbaComScheduleApi', outputTable: 'nbacscheduleapi' },
      {
        name: 'oddsa_current_event_odds',
        className: 'GetOddsApiCurrentEventOdds',
        outputTable: 'oddsacurrenteventodds',
        aliases: ['oddsa_player_props'],
      },
      { name: 'nbac_player_boxscore', className: 'GetNbaComPlayerBoxscore', outputTable: 'nbacplayerboxscore' },
      { name: 'nbac_gamebook_pdf', className: 'GetNbaComGamebookPdf', outputTable: 'nbacgamebookpdf' },
    ],
    2: [
      {
        name: 'nbac_gamebook_player_stats',
        className: 'NbacGamebookProcessor',
        outputTable: 'nbac_gamebook_player_stats',
      },
      { name: 'nbac_player_boxscores', className: 'NbacPlayerBoxscoreProcessor', outputTable: 'nbac_player_boxscores' },
      {
        name: 'odds_api_player_points_props',
        className: 'OddsApiPropsBatchProcessor',
        outputTable: 'odds_api_player_points_props',
        aliases: ['OddsApiPropsProcessor'],
      },
    ],
    3: [
      { name: 'player_game_summary', className: 'PlayerGameSummaryProcessor', outputTable: 'player_game_summary' },
      {
        name: 'team_defense_game_summary',
        className: 'TeamDefenseGameSummaryProcessor',
        outputTable: 'team_defense_game_summary',
      },
      {
        name: 'team_offense_game_summary',
        className: 'TeamOffenseGameSummaryProcessor',
        outputTable: 'team_offense_game_summary',
      },
      {
        name: 'upcoming_player_game_context',
        className: 'UpcomingPlayerGameContextProcessor',
        outputTable: 'upcoming_player_game_context',
      },
      {
        name: 'upcoming_team_game_context',
        className: 'UpcomingTeamGameContextProcessor',
        outputTable: 'upcoming_team_game_context',
      },
    ],
    4: [
      {
        name: 'team_defense_zone_analysis',
        className: 'TeamDefenseZoneAnalysisProcessor',
        outputTable: 'team_defense_zone_analysis',
        dependsOn: ['team_defense_game_summary'],
      },
      {
        name: 'player_shot_zone_analysis',
        className: 'PlayerShotZoneAnalysisProcessor',
        outputTable: 'player_shot_zone_analysis',
        dependsOn: ['player_game_summary'],
      },
      {
        name: 'player_daily_cache',
        className: 'PlayerDailyCacheProcessor',
        outputTable: 'player_daily_cache',
        dependsOn: [
          'player_game_summary',
          'team_offense_game_summary',
          'upcoming_player_game_context',
          'player_shot_zone_analysis',
        ],
      },
      {
        name: 'player_composite_factors',
        className: 'PlayerCompositeFactorsProcessor',
        outputTable: 'player_composite_factors',
        dependsOn: [
          'upcoming_player_game_context',
          'upcoming_team_game_context',
          'player_shot_zone_analysis',
          'team_defense_zone_analysis',
        ],
      },
      {
        name: 'ml_feature_store',
        className: 'MLFeatureStoreProcessor',
        outputTable: 'ml_feature_store_v2',
        dependsOn: [
          'player_composite_factors',
          'player_daily_cache',
          'player_shot_zone_analysis',
          'team_defense_zone_analysis',
        ],
      },
    ],
    5: [{ name: 'prediction_coordinator', className: 'PredictionCoordinator', outputTable: 'player_prop_predictions' }],
  },
  /**
   * The day of one game date D, as PLATFORM.md's timeline: three cycles, each a run of the date's workflow
   * (continue-as-new between them). Every time is wall-clock `timeZone` written `D-1 HH:MM`, `D HH:MM` or
   * `D+1 HH:MM`, and becomes a durable timer. docs/lifecycle.md lists the legacy job each one replaces.
   */
  lifecycle: {
    tomorrow: {
      /** Completions published from this time on count for the cycle (a phase-3 run of D the afternoon before). */
      countFrom: 'D-1 12:00',
      endsAt: 'D 05:00',
      /**
       * The 3 -> 4 rule of the cycle: every expected processor, or (`partialTriggerAfterMinutes` after the first
       * completion) >= minimumComplete with every critical one. `carriedOver`: completions from earlier cycles count
       * too (the upcoming contexts are computed before the games; events do not re-run them after).
       */
      phase3: {
        expected: ['upcoming_player_game_context', 'upcoming_team_game_context'],
        critical: ['upcoming_player_game_context'],
        minimumComplete: 1,
        carriedOver: [] as string[],
        /** Nothing arrived by then: Gameday runs the missing processors itself (once), as a remedy. */
        remedyAt: 'D-1 17:00',
      },
      /** Phase 4 for D (all five, one call each in dependency order), once phase 3 is in. */
      phase4At: 'D-1 17:30',
      predictionWaves: [{ at: 'D-1 20:00', runMode: 'PRE_GAME' }],
    },
    same_day: {
      countFrom: 'D 04:00',
      endsAt: 'D 17:00',
      phase3: {
        expected: ['upcoming_player_game_context', 'upcoming_team_game_context'],
        critical: ['upcoming_player_game_context'],
        minimumComplete: 1,
        carriedOver: ['upcoming_team_game_context'],
        remedyAt: 'D 07:00',
      },
      phase4At: 'D 06:00',
      /** Feature-store refreshes after the main phase-4 run (the legacy ml-feature-store-* jobs). */
      featureRefresh: { at: ['D 07:00', 'D 10:00', 'D 13:00'], processors: ['ml_feature_store'] },
      predictionWaves: [
        { at: 'D 08:00', runMode: 'FIRST' },
        { at: 'D 09:00', runMode: 'RETRY' },
        { at: 'D 10:00', runMode: 'RETRY' },
        { at: 'D 11:00', runMode: 'RETRY' },
        { at: 'D 12:00', runMode: 'RETRY' },
        { at: 'D 13:00', runMode: 'FINAL_RETRY' },
        { at: 'D 16:00', runMode: 'LAST_CALL' },
      ],
      /** The "predictions by 2 PM ET" deadline: an alert with the fix command if they are not there. */
      predictionsDeadline: 'D 14:00',
      /** Tonight exports at these times, and after every prediction batch that predicted someone. */
      tonightExports: { at: ['D 11:00', 'D 13:00', 'D 17:00'], afterEachBatch: true },
    },
    overnight: {
      /** Box scores of early games arrive from mid-afternoon. */
      countFrom: 'D 15:00',
      endsAt: 'D+1 09:00',
      phase3: {
        expected: [
          'player_game_summary',
          'team_defense_game_summary',
          'team_offense_game_summary',
          'upcoming_player_game_context',
          'upcoming_team_game_context',
        ],
        critical: ['player_game_summary', 'upcoming_player_game_context'],
        minimumComplete: 3,
        carriedOver: ['upcoming_player_game_context', 'upcoming_team_game_context'],
        remedyAt: 'D+1 04:00',
      },
      /** The phase-4 recompute runs when phase 3 is in, and at the latest then (degraded). */
      phase4LatestAt: 'D+1 07:00',
      /**
       * Grading once every game is Final, checked every `everyMinutes` in this window. A run that could not grade yet
       * (auto_heal_pending: the function re-runs player_game_summary itself; skipped with predictions: no actual
       * results) is triggered again once player_game_summary completes again, or `waitMinutes` after it at the
       * latest, up to `times` times (the legacy grading jobs at 02:30 and 07:00 did this on the clock).
       */
      grading: {
        firstCheckAt: 'D+1 00:00',
        lastCheckAt: 'D+1 02:45',
        everyMinutes: 15,
        retryUngraded: { times: 2, waitMinutes: 90 },
      },
      resultsExportAt: 'D+1 05:00',
      /** Anything of D not graded or not computed is reported; then the date's workflow ends. */
      gapCheckAt: 'D+1 09:00',
    },
  },
  /** Phase 3 -> 4 with partial data: this long after the first completion of the cycle (the incident analysis' rule). */
  quorum: {
    partialTriggerAfterMinutes: 30,
  },
  /**
   * Phase 4 -> 5 (the legacy tiers, counted from the first phase-4 completion of the cycle): predictions start once a
   * tier holds. Each tier is a durable timer, so it fires without waiting for a new message.
   */
  phase4To5: {
    tiers: [
      { minComplete: 5, afterMinutes: 0 },
      { minComplete: 4, afterMinutes: 60 },
      { minComplete: 3, afterMinutes: 120 },
      { minComplete: 1, afterMinutes: 240 },
    ],
  },
  topics: {
    1: 'nba-phase1-scrapers-complete',
    2: 'nba-phase2-raw-complete',
    3: 'nba-phase3-analytics-complete',
    4: 'nba-phase4-precompute-complete',
    5: 'nba-phase5-predictions-complete',
    6: 'nba-phase6-export-complete',
    exportTrigger: 'nba-phase6-export-trigger',
    gradingTrigger: 'nba-grading-trigger',
    gradingComplete: 'nba-grading-complete',
  },
  sla: {
    /** A step waiting or running longer than this becomes STUCK and raises one alert. */
    defaultMinutes: 15,
    /** Steps due at a cycle's end (the 17:00 export, the 09:00 gap check) get this long before the cycle closes. */
    cycleGraceMinutes: 30,
    perPhase: {} as Partial<Record<'1' | '2' | '3' | '4' | '5' | '6', number>>,
  },
  predictions: {
    pollIntervalSeconds: 30,
    /** A batch that makes no progress for this long is stalled (alert; the next wave or an operator restarts it). */
    stallMinutes: 20,
    /** Done for the day: a batch at >= minCompletionPct and >= minActivePredictions active rows. */
    minCompletionPct: 80,
    minActivePredictions: 10,
  },
  export: {
    /** Tonight's picks (same_day cycle) and the results of D (overnight cycle, after grading too). */
    tonightTypes: ['tonight', 'tonight-players', 'predictions', 'best-bets', 'streaks', 'calendar'],
    resultsTypes: ['results', 'performance', 'best-bets', 'predictions'],
    /** `pubsub` publishes with the Pub/Sub client; `push` posts the push envelope a subscription would deliver. */
    transport: 'push' as 'pubsub' | 'push',
  },
  platform: {
    projectId: 'nba-props-platform',
    scheduleUrl: 'http://127.0.0.1:8090',
    analyticsUrl: 'http://127.0.0.1:8090/phase3',
    precomputeUrl: 'http://127.0.0.1:8090/phase4',
    coordinatorUrl: 'http://127.0.0.1:8090/coordinator',
    exportPushUrl: 'http://127.0.0.1:8090/export/push',
    gradingPushUrl: 'http://127.0.0.1:8090/grading/push',
    requestTimeoutSeconds: 60,
    /** `/process-date` is synchronous: one processor can take minutes (the feature store ~3). */
    precomputeTimeoutSeconds: 540,
    /** `google-id-token` sends a Google ID token per service URL (Cloud Run); `none` for the local platform. */
    auth: 'none' as 'none' | 'google-id-token',
    /** Per service: this many retryable failures in a row open the circuit; calls fail fast until the half-open test. */
    breaker: { failureThreshold: 5, halfOpenAfterSeconds: 60, minRetrySeconds: 5 },
    /**
     * A 401/403 means the worker lost its invoker rights (a redeploy): the step alerts at once, then tries again this
     * often until the cycle ends, so restoring the rights is the whole fix.
     */
    forbiddenRecheckMinutes: 10,
  },
  bridge: {
    host: '127.0.0.1',
    port: 8089,
    /** A phase-3 completion may start its date's workflow only within this many days of today (ET); else it signals a running one. */
    startWindowDays: 2,
    /** Larger than any Pub/Sub push (10 MB of data, base64): a bigger body is not from Pub/Sub and gets 413. */
    maxBodyBytes: 14_000_000,
    /**
     * A message (decoded) larger than this is acknowledged as unusable, not signalled: the platform's are a few KB,
     * Temporal refuses a payload over 2 MB, and every signal stays in the date's history.
     */
    maxMessageBytes: 262_144,
    /** A push waits at most this long for Temporal, then answers 503 (Pub/Sub's ack deadline is 10 s). */
    temporalTimeoutSeconds: 5,
    /** Message IDs remembered per bridge, so redeliveries cost no signal. */
    recentMessageIds: 100_000,
    /**
     * Who may push. `oidc` (production): the Google OIDC token of a Pub/Sub push subscription, whose audience and
     * service account must match. `static-bearer` (GAMEDAY_BRIDGE_TOKEN) and `none`: loopback hosts only.
     */
    auth: {
      mode: 'none' as 'oidc' | 'static-bearer' | 'none',
      /** The push subscription's audience (Pub/Sub's default is the push endpoint URL). */
      audience: undefined as string | undefined,
      /** The service account the push subscription signs its tokens as. */
      pushServiceAccount: undefined as string | undefined,
    },
    /**
     * Pull mode, where Pub/Sub cannot push to the bridge: the subscriptions it pulls (names containing their topic's
     * name, e.g. nba-phase3-analytics-complete-gameday) and the messages in flight per subscription. Empty: push only.
     */
    pull: { subscriptions: [] as string[], maxMessages: 100 },
  },
  /**
   * The legacy Firestore orchestrator (phase3_to_phase4, phase4_to_phase5 Cloud Functions) during the migration.
   * `off`: no Firestore. `shadow`: Gameday reads the legacy documents and records what it would do, triggering
   * nothing of phases 4-5. `coexist`: both run; Gameday claims the legacy document before triggering phase 4 or 5,
   * so exactly one of them triggers. `primary`: the legacy functions are off; Gameday claims and mirrors every
   * completion into the documents, so the tools that read them keep working. See docs/migration.md.
   */
  legacy: {
    mode: 'off' as 'off' | 'shadow' | 'coexist' | 'primary',
    firestore: { projectId: 'nba-props-platform', databaseId: '(default)' },
    /** The legacy documents, keyed by game date and never reset. */
    collections: { phase3: 'phase3_completion', phase4: 'phase4_completion' },
    /**
     * Gameday's own subscriptions to the legacy's trigger topics (nba-phase4-trigger, nba-predictions-trigger), read
     * without consuming by `gameday shadow-report` to tell a published trigger from a latched one. Unset: not read.
     */
    triggerSubscriptions: { phase4: undefined as string | undefined, phase5: undefined as string | undefined },
  },
  /** The worker process (`npm run start:worker`): health endpoints, Prometheus metrics, the prebuilt bundle, shutdown. */
  worker: {
    /** Where /healthz and /readyz (healthPort) and /metrics (metricsPort) listen: 0.0.0.0 in a container. */
    host: '127.0.0.1',
    healthPort: 8091,
    /** The SDK's Prometheus endpoint, Gameday's own metrics included; 0 turns it off. */
    metricsPort: 9464,
    /** The workflow bundle built by `npm run build`; unset: dist/workflow-bundle.js when present, else bundled at start. */
    workflowBundle: undefined as string | undefined,
    /** On SIGTERM, activities in flight get this long to finish; then they are cancelled and retried elsewhere. */
    shutdownGraceSeconds: 20,
    /**
     * Worker versioning (workers/build-id.ts): this worker is build `buildId` of the Worker Deployment
     * `deploymentName`. Unset: `<package version>+<first 12 hex digits of the workflow bundle's SHA-256>`, so the
     * same workflow code always gets the same ID. Logged at start, on /healthz, and stamped by the server on the
     * workflow tasks the worker completes.
     */
    buildId: undefined as string | undefined,
    deploymentName: 'gameday',
    /**
     * Versioning-based routing: a workflow's tasks go only to workers of the version it runs on (PINNED: a day
     * finishes on the build it started on; AUTO_UPGRADE: it moves to the current version). Off by default: it needs
     * a server with Worker Deployments, and a worker gets new workflows only once its version is made current
     * (`temporal worker deployment set-current-version`, docs/deploy.md).
     */
    useWorkerVersioning: false,
    defaultVersioningBehavior: 'PINNED' as 'PINNED' | 'AUTO_UPGRADE',
  },
  /** JSON logs (pino) of the worker and the bridge, Temporal's own lines included. */
  logging: {
    level: 'info' as 'trace' | 'debug' | 'info' | 'warn' | 'error',
  },
  /** BigQuery: the schedule, the data gates before phases 4-6, the execution log and the status view. */
  warehouse: {
    /** false: games come from the platform's /schedule, gates pass, nothing is logged to BigQuery. */
    enabled: false,
    projectId: 'nba-props-platform',
    location: 'us-west2',
    /** Set only for an emulator (e.g. http://127.0.0.1:9050); production uses ADC against the real API. */
    apiEndpoint: undefined as string | undefined,
    datasets: {
      raw: 'nba_raw',
      analytics: 'nba_analytics',
      precompute: 'nba_precompute',
      predictions: 'nba_predictions',
      orchestration: 'nba_orchestration',
    },
    gates: {
      /** A failing gate is checked again after this long (durable timer). */
      recheckMinutes: 5,
      /** Before phase 4: minimum rows per phase-3 table for the date. */
      minRows: {
        player_game_summary: 100,
        team_defense_game_summary: 30,
        upcoming_player_game_context: 50,
      } as Record<string, number>,
      /** Before phase 4: scheduled games (by team pair) with analytics rows, in percent. */
      minScheduleCoveragePct: 80,
      /** minRows are for a slate this large; smaller slates need proportionally fewer rows. */
      fullSlateGames: 15,
      /** Before phase 5: at least this many phase-4 tables have rows for the date ... */
      minPhase4Tables: 3,
      /** ... and these always do. */
      requiredPhase4Tables: ['player_daily_cache', 'ml_feature_store_v2'],
      /** Before phase 5: feature rows with no defaulted feature, in percent of the day's players. */
      minCleanFeaturePct: 60,
    },
  },
  /** Bounds that keep every run of a date's workflow small, whatever the day throws at it. */
  limits: {
    /** Continue-as-new within a cycle past this many history events (Temporal's hard limit is 51,200). */
    historyEvents: 10_000,
    /** Pub/Sub message IDs a day remembers to drop redeliveries (each bridge remembers many more). */
    messageIds: 500,
  },
  /** The embedded stack of `npm start`: dev server, UI, worker, bridge and local platform on 127.0.0.1. */
  localStack: {
    demoDate: '2025-12-29',
    temporalPort: 7233,
    uiPort: 8233,
    /** The dev server's HTTP API (`temporal server start-dev --http-port`), the default `temporal.httpAddress`. */
    httpPort: LOCAL_HTTP_PORT,
    /** Git-ignored folder for the dev server's SQLite database. */
    dataDir: '.gameday',
    /** The demo day is compressed 600 times: D-1 17:00 to D+1 09:00 in about four minutes, 30 minutes in 3 s. */
    timeScale: 1 / 600,
    /** Where the demo's virtual clock starts: before the platform's first props scrape of the date (D-1 16:00). */
    startsAt: 'D-1 15:45',
    /** Each start-up step (dev server, emulator, bundle, bridge, platform, worker) fails after this, naming itself. */
    stepTimeoutSeconds: 180,
  },
  /**
   * The platform's daily rhythm as Temporal Schedules (`gameday schedule apply`), wall-clock times in `timeZone`.
   * Times between 01:00 and 02:59 are refused: daylight-saving days skip or repeat them.
   */
  schedules: {
    /** Schedule IDs are `${idPrefix}${name}`, e.g. gameday-schedule-pipeline-today. */
    idPrefix: 'gameday-schedule-',
    /** A fire missed while the Temporal server was unreachable is still taken if at most this late. */
    catchupWindowMinutes: 360,
    /** Starts tomorrow's date workflow before its first timer (D-1 17:00): the day's timers live in that workflow. */
    pipelineTomorrow: { enabled: true, times: ['16:45'], dateOffsetDays: 1 },
    /** A backstop: starts today's date if nothing started it the evening before (in the cycle 04:45 falls in). */
    pipelineToday: { enabled: true, times: ['04:45'], dateOffsetDays: 0 },
    /** Self-heal checks yesterday (its overnight cycle), today and tomorrow: before and after the predictions deadline. */
    selfHeal: { enabled: true, times: ['12:45', '14:15'] },
    /** The daily summary of yesterday and today, in the morning. */
    dailySummary: { enabled: true, times: ['08:30'], dateOffsetsDays: [-1, 0] },
  },
  /** What self-heal does to a phase that is STUCK, BLOCKED or FAILED (see docs/operations.md). */
  selfHeal: {
    remedies: {
      '1': 'alert',
      '2': 'alert',
      '3': 'retry-then-advance',
      '4': 'retry',
      '5': 'retry',
      '6': 'retry',
    } as Record<'1' | '2' | '3' | '4' | '5' | '6', 'alert' | 'retry' | 'advance' | 'retry-then-advance'>,
  },
  /**
   * Alert delivery: the log always; Slack when GAMEDAY_SLACK_WEBHOOK_URL is set; email when GAMEDAY_SMTP_URL and a
   * recipient are set. Webhook and SMTP URLs are secrets: environment only, never in this file.
   */
  alerts: {
    emailTo: '',
    emailFrom: 'gameday@localhost',
    subjectPrefix: '[gameday]',
    /** Keys already delivered per channel, so a retried activity or a second self-heal never sends twice. */
    ledgerPath: '.gameday/alerts-sent.jsonl',
    /**
     * `file`: ledgerPath on this worker's disk (one worker). `firestore`: one document per delivery in
     * ledgerCollection of the platform's Firestore (legacy.firestore), shared by every worker replica.
     */
    ledgerStore: 'file' as 'file' | 'firestore',
    ledgerCollection: 'gameday_alert_deliveries',
  },
};

export type RawConfig = typeof DEFAULT_CONFIG;
