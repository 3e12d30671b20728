# syntax=docker/dockerfile:1
# RenOS image in two stages: the build stage has the dev dependencies (Prisma CLI, Nest CLI, TypeScript)
# and compiles to dist/; the runtime stage has production dependencies only and runs as `node`.

# Node 24 is the current LTS; slim keeps the image small (it has no curl, so health checks use node).
FROM node:24-bookworm-slim AS build
WORKDIR /app
# The postinstall script runs `prisma generate`, which needs the schema, its config and scripts/, so
# they are copied before `npm ci`; the dependency layer stays cached until one of them changes.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm ci
COPY . .
# Regenerates the Prisma client into src/generated, then compiles it with the app into dist/.
RUN npm run build

FROM node:24-bookworm-slim AS runtime
# The heap of a small instance (512 MB-1 GB, docs/going-live.md): V8 sizes its heap from the host's
# memory, not the container's limit, and under load lets garbage pile up to it (a peak of 600 MB RSS
# in `npm run bench`, 340 MB with these). A bigger instance raises them with NODE_OPTIONS in .env.
ENV NODE_ENV=production \
    PORT=3000 \
    NODE_OPTIONS="--max-old-space-size=160 --max-semi-space-size=8"
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts are skipped because the postinstall needs the Prisma CLI, a dev dependency; the generated
# client is already compiled into dist/, so production needs no Prisma CLI. Native modules such as
# argon2 ship prebuilt binaries for linux-x64 glibc, so they load without their install scripts.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# The migrator reads prisma/migrations relative to the working directory (MIGRATE_ON_START=true).
COPY --from=build /app/prisma/migrations ./prisma/migrations
# The files stay owned by root, so the app user can read but not change its own code.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the graceful shutdown (readiness 503, requests and running jobs finish, then exit 0).
# CMD is in exec form so node itself receives the signal, not a shell that would swallow it; node
# installs its own SIGTERM/SIGINT handlers, which PID 1 needs. docker-compose.yml adds `init: true`
# (tini) so child processes are reaped as well.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
