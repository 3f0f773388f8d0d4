# The Gameday worker and bridge: one image, two commands (docker-compose.yml runs both).
#   docker build -t gameday:0.1.0 .
#   docker run gameday:0.1.0                              # the worker: node dist/workers/worker.js
#   docker run gameday:0.1.0 node dist/workers/bridge.js  # the completion bridge
# Config from the environment (config/load.ts ENV_OVERRIDES, TEMPORAL_* / a Temporal profile file), never baked in.

FROM node:20.18.1-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# tsc to dist/ and the prebuilt workflow bundle dist/workflow-bundle.js; then only what runs stays.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20.18.1-bookworm-slim
# NODE_OPTIONS: the worker's heap limits (workers/heap-limits.ts).
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=4" \
    GAMEDAY_WORKER_HOST=0.0.0.0 \
    GAMEDAY_BRIDGE_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The alert ledger's default file (alerts.ledgerPath, .gameday/alerts-sent.jsonl): writable by the process.
RUN mkdir -p .gameday && chown node:node .gameday
USER node
# worker: health 8091, metrics 9464; bridge: 8089 (config/defaults.ts)
EXPOSE 8089 8091 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/workers/probe.js", "worker"]
# SIGTERM drains the worker (worker.shutdownGraceSeconds) and stops the bridge; both exit 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/workers/worker.js"]
