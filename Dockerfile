# The engine's image: API and worker, run apart in production by ROLE=api / ROLE=worker.
# Node 24, the LTS line maintained until April 2028 (package.json's engines names what is supported).
FROM node:24-bookworm-slim AS build

WORKDIR /app
# Dependencies first, so that code changes reuse this layer. The postinstall step generates the
# Prisma client, which needs the schema.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --include=dev

# The compiled engine and its prebuilt workflow bundle (scripts/build.sh); then only what runs it.
COPY . .
RUN npm run build && npm prune --omit=dev && npm cache clean --force

FROM node:24-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js

COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/dist ./dist

USER node
EXPOSE 3000
CMD ["node", "dist/bin/start.js"]
