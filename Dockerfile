# cablescan image for `docker compose` (workers and the server). Node 20 like the
# project; TypeScript runs through tsx (a runtime dependency), so there is no build step.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY queues ./queues
COPY workers ./workers
COPY tsconfig.json ./

# Scans and outputs live on a volume mounted at the same path in every container
# (and on every machine): jobs carry absolute paths, not pixels.
RUN mkdir -p /data && chown node:node /data
USER node

# `node bin/cablescan.js`, never `npx`: a wrapper process would not pass SIGTERM on.
ENTRYPOINT ["node", "bin/cablescan.js"]
CMD ["worker"]
