export { gameDatePipeline } from './game-date-pipeline';
