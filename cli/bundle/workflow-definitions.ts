/**
 * What the CLI bundle loads for `@temporalio/workflow` (scripts/setup.mjs, `sdkSlices`): contracts/workflow-api.ts
 * defines its signals, query and updates with these, and the CLI needs nothing else of the package, whose loading
 * (the whole workflow runtime and @temporalio/common) would cost a command tens of milliseconds. They return what the
 * SDK's do (test/cli/bundle-slices.test.ts compares them); sources and tests use the SDK itself.
 */
export const defineSignal = (name: string, options: object = {}) => ({ type: 'signal' as const, name, ...options });
export const defineQuery = (name: string, options: object = {}) => ({ type: 'query' as const, name, ...options });
export const defineUpdate = (name: string, options: object = {}) => ({ type: 'update' as const, name, ...options });
