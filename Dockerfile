# Shiftlead in a container: a thin wrapper around the production command,
# `npm run build && node dist/main.js`. See README, "Self-hosting with Docker".
#
#   docker compose up -d --build        # with Redis, from docker-compose.yml
#
# The team configuration is mounted at /config/shiftlead.yaml; settings come from the environment
# (.env). The process runs as the unprivileged `node` user and gets SIGTERM itself (no shell in
# between), so `docker stop` lets it finish in-flight work.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    SHIFTLEAD_CONSOLE=off \
    SHIFTLEAD_CONFIG=/config/shiftlead.yaml
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json shiftlead.example.yaml ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
