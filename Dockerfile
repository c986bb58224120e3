# cablescan image for `docker compose` (workers and the server). Node 20 like the
# project; TypeScript runs through tsx (a runtime dependency), so there is no build step.
# Workers read with native Tesseract (issue 20): the image ships it with the language packs a
# European archive needs, and reads with npm's best_int models for eng and fra (unpacked into the
# model cache below, the same files tesseract.js reads), Debian's for the other languages.

# The dependencies are installed in a stage of their own, with a compiler: better-sqlite3 fetches a
# prebuilt binary from GitHub and, where GitHub cannot be reached (many archives' networks, and the
# machine this was rehearsed on), builds it from source with python3, make and g++. The final image
# takes node_modules and leaves the compiler behind. The headers node-gyp needs are the base image's
# own (/usr/local/include/node), so it does not fetch them from nodejs.org either.
FROM node:20-bookworm-slim AS deps
ENV npm_config_nodedir=/usr/local
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim

# tesseract-ocr 5.3 (Debian 12) and its models (tessdata_fast) for the languages of the archives
# cablescan is used on; coreutils (stdbuf: long-lived tesseract processes) and util-linux
# (setpriv: children die with their worker) are part of the base system.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr \
      tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-deu tesseract-ocr-rus \
      tesseract-ocr-dan tesseract-ocr-ita tesseract-ocr-spa tesseract-ocr-nld \
      tesseract-ocr-pol tesseract-ocr-ces tesseract-ocr-ell \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules

COPY bin ./bin
COPY src ./src
COPY queues ./queues
COPY workers ./workers
COPY tsconfig.json ./

# The model cache belongs to the user the workers run as. npm's models are unpacked into it here,
# once, so workers starting together do not all unpack them (each still checks them by hash).
# The engine is the native one, set rather than chosen: an image without it is a broken image.
ENV XDG_CACHE_HOME=/home/node/.cache \
    CABLESCAN_ENGINE=tesseract \
    CABLESCAN_MODEL=best
RUN mkdir -p /home/node/.cache/cablescan && chown -R node:node /home/node/.cache

# Scans and outputs live on a volume mounted at the same path in every container
# (and on every machine): jobs carry absolute paths, not pixels.
RUN mkdir -p /data && chown node:node /data
USER node
RUN node --import tsx --input-type=module -e "const { resolveModelSet } = await import('/app/src/ocr/models.ts'); for (const lang of ['eng', 'fra']) await resolveModelSet(lang, { model: 'best', cacheRoot: '/home/node/.cache/cablescan' });" \
 && tesseract --list-langs

# `node bin/cablescan.js`, never `npx`: a wrapper process would not pass SIGTERM on.
ENTRYPOINT ["node", "bin/cablescan.js"]
CMD ["worker"]
