-- nba_orchestration.daily_phase_status: one row per calendar date, from the first scheduled date to
-- tomorrow (America/New_York), with the day's games, records per phase, feature quality, predictions
-- and where the pipeline stands. Placeholders {{...}} are filled by warehouse/apply.ts from the config.
WITH schedule_rows AS (
  SELECT game_date, game_id, game_status_text
  FROM {{nbac_schedule}}
  WHERE game_date >= DATE '2000-01-01'
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id, game_date ORDER BY game_status DESC, processed_at DESC) = 1
),
schedule AS (
  SELECT
    game_date,
    COUNT(DISTINCT IF(
      LOWER(IFNULL(game_status_text, '')) LIKE '%postpon%'
        OR LOWER(IFNULL(game_status_text, '')) LIKE '%cancel%'
        OR LOWER(IFNULL(game_status_text, '')) = 'ppd',
      NULL, game_id)) AS games_scheduled
  FROM schedule_rows
  GROUP BY game_date
),
bounds AS (
  SELECT
    MIN(game_date) AS first_date,
    GREATEST(MAX(game_date), DATE_ADD(CURRENT_DATE('{{time_zone}}'), INTERVAL 1 DAY)) AS last_date
  FROM schedule_rows
),
dates AS (
  SELECT game_date FROM bounds, UNNEST(GENERATE_DATE_ARRAY(bounds.first_date, bounds.last_date)) AS game_date
),
phase2 AS (
  SELECT game_date, COUNT(*) AS phase2_records
  FROM {{bdl_player_boxscores}}
  WHERE game_date >= DATE '2000-01-01'
  GROUP BY game_date
),
phase3 AS (
  SELECT game_date, COUNT(*) AS phase3_records
  FROM (
    SELECT game_date FROM {{player_game_summary}} WHERE game_date >= DATE '2000-01-01'
    UNION ALL
    SELECT game_date FROM {{upcoming_player_game_context}} WHERE game_date >= DATE '2000-01-01'
  )
  GROUP BY game_date
),
phase4 AS (
  SELECT game_date, COUNT(*) AS phase4_records, ROUND(AVG(feature_quality_score), 1) AS avg_feature_quality
  FROM {{ml_feature_store_v2}}
  WHERE game_date >= DATE '2000-01-01'
  GROUP BY game_date
),
phase5 AS (
  SELECT game_date, COUNTIF(is_active) AS predictions
  FROM {{player_prop_predictions}}
  WHERE game_date >= DATE '2000-01-01'
  GROUP BY game_date
)
SELECT
  d.game_date,
  COALESCE(s.games_scheduled, 0) AS games_scheduled,
  COALESCE(p2.phase2_records, 0) AS phase2_records,
  COALESCE(p3.phase3_records, 0) AS phase3_records,
  COALESCE(p4.phase4_records, 0) AS phase4_records,
  p4.avg_feature_quality,
  COALESCE(p5.predictions, 0) AS predictions,
  CASE
    WHEN COALESCE(s.games_scheduled, 0) = 0 THEN 'NO_GAMES'
    WHEN COALESCE(p5.predictions, 0) >= {{min_active_predictions}} THEN 'COMPLETE'
    WHEN COALESCE(p4.phase4_records, 0) > 0 THEN 'PHASE_5_PENDING'
    WHEN COALESCE(p3.phase3_records, 0) > 0 THEN 'PHASE_4_STUCK'
    WHEN COALESCE(p2.phase2_records, 0) > 0 THEN 'PHASE_3_PENDING'
    ELSE 'PHASE_2_PENDING'
  END AS pipeline_status
FROM dates d
LEFT JOIN schedule s ON s.game_date = d.game_date
LEFT JOIN phase2 p2 ON p2.game_date = d.game_date
LEFT JOIN phase3 p3 ON p3.game_date = d.game_date
LEFT JOIN phase4 p4 ON p4.game_date = d.game_date
LEFT JOIN phase5 p5 ON p5.game_date = d.game_date
