export * from './state';
export * from './workflow-api';
export * from './search-attributes';
export type { ExecutionLogEvent } from './execution-log';
