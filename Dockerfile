# The dashboard as one container: Node 20 on Debian bookworm, with Debian's chromium and CJK fonts for
# the PDF reports. The database, its phone-hash key and backups live in the /data volume — never in the
# image. Build: docker build -t service-quality .   Run: see docs/operations.md.
FROM node:20-bookworm-slim

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-noto-cjk tini \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
COPY project.inlang ./project.inlang
COPY messages ./messages
# `prepare` compiles the message catalogs and writes SvelteKit's tsconfig (its $lib/$pipelines paths let
# the command-line tools run from source through tsx), so it runs once the whole tree is there.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run prepare && npm run build && chown -R node:node /app

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_PATH=/data/quality.duckdb \
    BODY_SIZE_LIMIT=50M \
    UV_THREADPOOL_SIZE=24 \
    MALLOC_ARENA_MAX=2 \
    CHROMIUM_PATH=/usr/bin/chromium \
    TZ=Asia/Shanghai
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
EXPOSE 3000
USER node
# tini forwards SIGTERM to Node, so `docker stop` ends the running load cleanly and closes the database.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "build/index.js"]
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
