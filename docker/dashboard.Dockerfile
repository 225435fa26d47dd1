# Dashboard image: the compiled Express app under tini, on port 9181.
# Build from the repository root:
#   docker build --network host -f docker/dashboard.Dockerfile -t jobq-dashboard .
# Only the classic builder's syntax is used (no BuildKit-only features).

# ---- build: full workspace install, compile the dashboard and the libs it uses ----
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
COPY apps/dashboard/ apps/dashboard/
# The `jobq` operator CLI (apps/cli) ships in both images.
COPY apps/cli/ apps/cli/
RUN npx nx run-many -t build -p @jobq/dashboard @jobq/cli --outputStyle=stream \
 && mkdir -p apps/dashboard/views apps/dashboard/public /out \
 && cp -r --parents libs/job-defs/dist libs/queue-core/dist \
      apps/dashboard/dist apps/dashboard/views apps/dashboard/public apps/cli/dist apps/cli/bin /out/ \
 && find /out \( -name '*.tsbuildinfo' -o -name '*.d.ts' -o -name '*.d.ts.map' \) -delete

# ---- runtime: the compiled dashboard + production dependencies only ----
FROM node:20-bookworm-slim
# procps: ps, kill, top and pgrep for operators debugging inside the container.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini procps \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production NPM_CONFIG_UPDATE_NOTIFIER=false PORT=9181
WORKDIR /app
# Only the dashboard's workspace and its libs: `npm ci -w` then installs just
# their production dependencies (no nx, typescript, jest, nor worker-only code).
COPY package.json package-lock.json ./
COPY libs/job-defs/package.json libs/job-defs/
COPY libs/queue-core/package.json libs/queue-core/
COPY apps/dashboard/package.json apps/dashboard/
COPY apps/cli/package.json apps/cli/
RUN npm ci --omit=dev --workspace=@jobq/dashboard --workspace=@jobq/cli --no-audit --no-fund \
 && rm -rf /root/.npm /tmp/*
COPY --from=build /out/ /app/
# `jobq info`, `jobq jobs ...` (apps/cli) on the PATH; REDIS_URL and JOBQ_PREFIX come from compose.
RUN printf '#!/bin/sh\nexec node /app/apps/cli/dist/main.js "$@"\n' > /usr/local/bin/jobq && chmod 755 /usr/local/bin/jobq
USER node
EXPOSE 9181
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||9181)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is not built to be PID 1: tini forwards signals and reaps zombies.
ENTRYPOINT ["/usr/bin/tini", "--"]
# A small young generation, no V8 helper threads and a 96 MB old space keep the
# dashboard's RSS under 150 MB at a million jobs (bench:dashboard); the live heap is ~25 MB.
CMD ["node", "--max-semi-space-size=2", "--single-threaded", "--max-old-space-size=96", "apps/dashboard/dist/main.js"]
