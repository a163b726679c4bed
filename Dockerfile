# The engine's image: API and worker, run apart in production by ROLE=api / ROLE=worker.
# Node 24, the LTS line maintained until April 2028 (package.json's engines names what is supported).
FROM node:24-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000

# Dependencies first, so that code changes reuse this layer. The postinstall step generates the
# Prisma client, which needs the schema.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --include=dev && npm cache clean --force

COPY . .

USER node
EXPOSE 3000
CMD ["node_modules/.bin/tsx", "bin/start.ts"]
