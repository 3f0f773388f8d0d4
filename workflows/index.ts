export { gameDatePipeline } from './game-date-pipeline';
export { scheduledPipeline } from './scheduled-pipeline';
export { selfHeal } from './self-heal';
export { dailySummary } from './daily-summary';
