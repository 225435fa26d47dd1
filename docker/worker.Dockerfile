# Worker image: supervisord (PID 1) runs WORKER_PROCESSES copies of the worker.
# Build from the repository root:
#   docker build --network host -f docker/worker.Dockerfile -t jobq-worker .
# Only the classic builder's syntax is used (no BuildKit-only features).

# ---- build: full workspace install, compile the worker and the libs it uses ----
FROM node:20-bookworm-slim AS build
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=true NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /repo
# Manifests first so `npm ci` stays cached until a dependency changes. This block
# is identical in both Dockerfiles, so the two images share the cached layer.
COPY package.json package-lock.json ./
COPY libs/job-defs/package.json libs/job-defs/
COPY libs/queue-core/package.json libs/queue-core/
COPY apps/worker/package.json apps/worker/
COPY apps/dashboard/package.json apps/dashboard/
COPY apps/cli/package.json apps/cli/
# Not --omit=optional: nx's native binary is an optional dependency.
RUN npm ci --no-audit --no-fund
COPY nx.json tsconfig.base.json tsconfig.json jest.preset.cjs eslint.config.mjs ./
COPY libs/ libs/
COPY apps/worker/ apps/worker/
# The `jobq` operator CLI (apps/cli) ships in both images.
COPY apps/cli/ apps/cli/
RUN npx nx run-many -t build -p @jobq/worker @jobq/cli --outputStyle=stream \
 && mkdir -p /out \
 && cp -r --parents libs/job-defs/dist libs/queue-core/dist apps/worker/dist \
      apps/cli/dist apps/cli/bin /out/ \
 && find /out \( -name '*.tsbuildinfo' -o -name '*.d.ts' -o -name '*.d.ts.map' \) -delete

# ---- runtime: the compiled worker + production dependencies only ----
FROM node:20-bookworm-slim
# procps: ps, kill, top and pgrep for operators debugging inside the container.
RUN apt-get update \
 && apt-get install -y --no-install-recommends supervisor procps \
 && rm -rf /var/lib/apt/lists/* /var/log/supervisor
ENV NODE_ENV=production NPM_CONFIG_UPDATE_NOTIFIER=false \
    WORKER_PROCESSES=5 \
    WORKER_QUEUES=high_priority,low_priority \
    OUTBOX_DIR=/var/lib/jobq/outbox
WORKDIR /app
# Only the worker's workspace and its libs: `npm ci -w` then installs just their
# production dependencies (no nx, typescript, jest, nor the dashboard's express).
COPY package.json package-lock.json ./
COPY libs/job-defs/package.json libs/job-defs/
COPY libs/queue-core/package.json libs/queue-core/
COPY apps/worker/package.json apps/worker/
COPY apps/cli/package.json apps/cli/
RUN npm ci --omit=dev --workspace=@jobq/worker --workspace=@jobq/cli --no-audit --no-fund \
 && rm -rf /root/.npm /tmp/* \
 && mkdir -p /var/lib/jobq/outbox \
 && chown -R node:node /var/lib/jobq
COPY --from=build /out/ /app/
COPY docker/supervisord.conf /etc/supervisor/jobq.conf
COPY docker/worker-entrypoint.sh /usr/local/bin/jobq-worker-entrypoint
# `jobq info`, `jobq jobs ...` (apps/cli) on the PATH; REDIS_URL and JOBQ_PREFIX come from compose.
RUN printf '#!/bin/sh\nexec node /app/apps/cli/dist/main.js "$@"\n' > /usr/local/bin/jobq && chmod 755 /usr/local/bin/jobq
USER node
# Healthy when supervisord reports every worker process RUNNING
# (`supervisorctl status` exits non-zero otherwise).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["supervisorctl", "-c", "/etc/supervisor/jobq.conf", "status"]
# The entry point gives each worker a unique name, then execs supervisord (PID 1).
ENTRYPOINT ["/bin/sh", "/usr/local/bin/jobq-worker-entrypoint"]
CMD ["supervisord", "-c", "/etc/supervisor/jobq.conf", "-n"]
