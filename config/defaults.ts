/**
 * Every fact Gameday knows about the platform, in one place: processor names and classes, topics,
 * thresholds, timers and schedule times. Loaded and validated by `loadConfig`.
 */
export const DEFAULT_CONFIG = {
  timeZone: 'America/New_York',
  /** Multiplies every timer and SLA; 1 in production. The demo stack scales 30 minutes to 30 seconds. */
  timeScale: 1,
  temporal: {
    address: '127.0.0.1:7233',
    namespace: 'default',
    taskQueue: 'gameday',
    workflowIdPrefix: 'gameday-',
    uiUrl: 'http://127.0.0.1:8233',
  },
  processors: {
    1: [
      { name: 'nbac_schedule_api', className: 'GetNbaComScheduleApi', outputTable: 'nbac_schedule_api' },
      { name: 'nbac_gamebook_pdf', className: 'GetNbaComGamebookPdf', outputTable: 'nbac_gamebook_pdf' },
      { name: 'bdl_box_scores', className: 'BdlBoxScoresScraper', outputTable: 'bdl_box_scores' },
      { name: 'odds_api_player_props', className: 'GetOddsApiCurrentEventOdds', outputTable: 'odds_api_player_props' },
    ],
    2: [
      { name: 'nbac_schedule', className: 'NbacScheduleProcessor', outputTable: 'nbac_schedule' },
      {
        name: 'nbac_gamebook_player_stats',
        className: 'NbacGamebookProcessor',
        outputTable: 'nbac_gamebook_player_stats',
      },
      { name: 'bdl_player_boxscores', className: 'BdlBoxscoresProcessor', outputTable: 'bdl_player_boxscores' },
      {
        name: 'odds_api_player_points_props',
        className: 'OddsApiPropsProcessor',
        outputTable: 'odds_api_player_points_props',
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
  /** Which processors each mode waits for, per waiting phase, and which of them are critical. */
  modes: {
    overnight: {
      1: { expected: ['nbac_schedule_api', 'nbac_gamebook_pdf', 'bdl_box_scores'], critical: ['nbac_schedule_api'] },
      2: {
        expected: ['nbac_schedule', 'nbac_gamebook_player_stats', 'bdl_player_boxscores'],
        critical: ['nbac_schedule'],
      },
      3: {
        expected: [
          'player_game_summary',
          'team_defense_game_summary',
          'team_offense_game_summary',
          'upcoming_player_game_context',
          'upcoming_team_game_context',
        ],
        critical: ['player_game_summary', 'upcoming_player_game_context'],
      },
    },
    same_day: {
      1: { expected: ['nbac_schedule_api', 'odds_api_player_props'], critical: ['nbac_schedule_api'] },
      2: { expected: ['nbac_schedule', 'odds_api_player_points_props'], critical: ['nbac_schedule'] },
      3: { expected: ['upcoming_player_game_context'], critical: ['upcoming_player_game_context'] },
    },
    tomorrow: {
      1: { expected: ['nbac_schedule_api', 'odds_api_player_props'], critical: ['nbac_schedule_api'] },
      2: { expected: ['nbac_schedule', 'odds_api_player_points_props'], critical: ['nbac_schedule'] },
      3: { expected: ['upcoming_player_game_context'], critical: ['upcoming_player_game_context'] },
    },
  },
  topics: {
    1: 'nba-phase1-scrapers-complete',
    2: 'nba-phase2-raw-complete',
    3: 'nba-phase3-analytics-complete',
    4: 'nba-phase4-precompute-complete',
    5: 'nba-phase5-predictions-complete',
    6: 'nba-phase6-export-complete',
    exportTrigger: 'nba-phase6-export-trigger',
  },
  quorum: {
    /** Phase 3 -> 4: after this long from the first completion, trigger with partial data if the quorum holds. */
    partialTriggerAfterMinutes: 30,
    minimumComplete: 3,
  },
  sla: {
    /** A phase waiting longer than this becomes STUCK and raises an alert. */
    defaultMinutes: 15,
    perPhase: {} as Partial<Record<'1' | '2' | '3' | '4' | '5' | '6', number>>,
  },
  predictions: {
    pollIntervalSeconds: 30,
    /** A batch still in progress after this long fails phase 5 (and alerts) instead of being polled for ever. */
    maxWaitMinutes: 180,
    minCompletionPct: 80,
    minActivePredictions: 10,
    deadlineET: '14:00',
    predictionRunMode: 'standard',
  },
  export: {
    exportTypes: ['tonight', 'tonight-players', 'predictions', 'best-bets', 'streaks', 'calendar'],
    /** `pubsub` publishes with the Pub/Sub client; `push` posts the push envelope a subscription would deliver. */
    transport: 'push' as 'pubsub' | 'push',
  },
  /** How long a workflow stays open for an operator after a phase failed for good. */
  operatorWaitHours: 24,
  platform: {
    projectId: 'nba-props-platform',
    scheduleUrl: 'http://127.0.0.1:8090',
    analyticsUrl: 'http://127.0.0.1:8090/phase3',
    precomputeUrl: 'http://127.0.0.1:8090/phase4',
    coordinatorUrl: 'http://127.0.0.1:8090/coordinator',
    exportPushUrl: 'http://127.0.0.1:8090/export/push',
    requestTimeoutSeconds: 60,
    /** `google-id-token` sends a Google ID token per service URL (Cloud Run); `none` for the local platform. */
    auth: 'none' as 'none' | 'google-id-token',
  },
  bridge: {
    host: '127.0.0.1',
    port: 8089,
    /** A completion may start its date's pipeline only within this many days of today (ET); else it signals a running one. */
    startWindowDays: 2,
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
  /** The embedded stack of `npm start`: dev server, UI, worker, bridge and local platform on 127.0.0.1. */
  localStack: {
    demoDate: '2025-12-29',
    temporalPort: 7233,
    uiPort: 8233,
    /** Git-ignored folder for the dev server's SQLite database. */
    dataDir: '.gameday',
    /** Timers of the demo stack: 1/60 turns 30 minutes into 30 seconds. */
    timeScale: 1 / 60,
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
    /** The evening run starts tomorrow's pipeline (mode tomorrow). */
    pipelineTomorrow: { enabled: true, times: ['18:00'], dateOffsetDays: 1 },
    /** The morning run starts (or attaches to) today's pipeline (mode same_day). */
    pipelineToday: { enabled: true, times: ['10:30'], dateOffsetDays: 0 },
    /** Self-heal checks today and tomorrow: before and after the predictions deadline. */
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
  },
};

export type RawConfig = typeof DEFAULT_CONFIG;
