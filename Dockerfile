# syntax=docker/dockerfile:1
# jitsudod image (docs/deploy.md, ADR 0054). Two stages: `build` compiles the TypeScript to dist/
# and prunes dev dependencies; `runtime` holds only what jitsudod runs, as a non-root user, and
# works on a read-only root filesystem (state goes to the JITSUDO_HOME volume; production uses
# PostgreSQL, so that volume stays empty unless the embedded database is allowed).
#
#   docker build -t jitsudo:0.1.0 .
#   docker run --read-only --tmpfs /tmp -v jitsudo-home:/var/lib/jitsudo \
#     -v $PWD/jitsudo.yaml:/etc/jitsudo/jitsudo.yaml:ro -e JITSUDOD_DATABASE_URL=… jitsudo:0.1.0
#
# Pin the base by digest in your registry mirror: --build-arg NODE_IMAGE=node:20-bookworm-slim@sha256:…
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# Dependencies first: this layer is reused until the lockfile changes. No install scripts run:
# `prepare` would build before the sources are here, and nothing in the stack needs a native build.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY bin ./bin
COPY drizzle ./drizzle
COPY policies ./policies
# The image holds exactly the published package (package.json "files", via npm pack) plus its
# production dependencies from the lockfile.
RUN npm run build \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && mkdir /out \
 && tar -xzf /tmp/jitsudo-*.tgz -C /out --strip-components=1 \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && cp -a node_modules /out/node_modules

FROM ${NODE_IMAGE} AS runtime
# npm, npx, corepack and yarn are not needed to run jitsudod: removing them leaves less for an
# attacker to use (the base layer keeps their bytes). The user has no login shell and owns only its
# home volume.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-* \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg \
 && groupadd --system --gid 10001 jitsudo \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/jitsudo \
      --shell /usr/sbin/nologin --no-create-home jitsudo \
 && mkdir -p /var/lib/jitsudo /etc/jitsudo \
 && chown 10001:10001 /var/lib/jitsudo \
 && chmod 0700 /var/lib/jitsudo
WORKDIR /app
# Owned by root and not writable by jitsudo: the code cannot be altered by the process running it.
COPY --from=build /out /app
COPY deploy/docker/healthcheck.mjs ./healthcheck.mjs
# No secret here: the database URL, master key and every credential come from the orchestrator.
ENV NODE_ENV=production \
    JITSUDO_HOME=/var/lib/jitsudo \
    HOME=/var/lib/jitsudo \
    JITSUDOD_CONFIG=/etc/jitsudo/jitsudo.yaml
VOLUME ["/var/lib/jitsudo"]
USER 10001:10001
EXPOSE 8080 8443
# Exec form (no shell): node runs as PID 1 and receives SIGTERM itself; jitsudod drains and exits.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "/app/healthcheck.mjs", "/healthz"]
ENTRYPOINT ["node", "/app/bin/jitsudod.js"]
CMD ["serve"]
