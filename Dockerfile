# The control plane (with embedded workers) or a remote proxy worker, from one image.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# A C compiler for the socket-options addon (backend/native: sip-ip-tos, keep-alive timings); Node's headers are in the image.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
COPY backend/package.json backend/
COPY frontend/package.json frontend/
COPY e2e/package.json e2e/
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs --force

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=8080 DATA_DIR=/data
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080 5060/udp 5060/tcp 5061/tcp
CMD ["node", "scripts/start.mjs"]
