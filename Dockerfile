# syntax=docker/dockerfile:1

# Base images are pinned by digest, so that a rebuild gets the same bases
# (the tag stays for readers). These are the digests Docker resolved the two
# tags to in a public build log of 2026-09-27; to move to newer patches,
# `docker buildx imagetools inspect rust:1.95-bookworm` (and
# debian:bookworm-slim) prints the current digest to put here.

# Build stage: compile the release binary. Dependencies are built first
# from the manifests alone, so that editing src/ does not rebuild them.
FROM rust:1.95-bookworm@sha256:6258907abe69656e41cd992e0b705cdcfabcbbe3db374f92ed2d47121282d4a1 AS build
WORKDIR /src
# Local release builds keep line tables for profiling; the image does not
# need them (symbol names stay, for backtraces).
ENV CARGO_PROFILE_RELEASE_STRIP=debuginfo
COPY Cargo.toml Cargo.lock ./
# Every target the manifest declares must exist for cargo to read it.
RUN mkdir src benches && echo "fn main() {}" > src/main.rs && touch src/lib.rs \
    && echo "fn main() {}" > benches/retrieval.rs \
    && cargo build --release --locked --bin khidma \
    && rm -rf src benches
COPY src ./src
COPY benches ./benches
# The agents' console is compiled into the binary (include_str!), and so
# are the sentences editors read from `check` and `eval` (locales/*/check.ftl,
# eval.ftl).
COPY console ./console
COPY locales ./locales
RUN touch src/main.rs src/lib.rs && cargo build --release --locked --bin khidma

# Runtime stage: the binary, the knowledge base and the locales, run as an
# unprivileged user.
FROM debian:bookworm-slim@sha256:3783cc01769c7b2b1b83a5c5ad96c815348e28ed7da68e2e3687004faa906251
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin khidma
WORKDIR /app
COPY --from=build /src/target/release/khidma /usr/local/bin/khidma
COPY knowledge_base ./knowledge_base
COPY locales ./locales
USER khidma
# One JSON object per log line, for the platform's log collector.
ENV KHIDMA_BIND=0.0.0.0:8080 KHIDMA_LOG_FORMAT=json
EXPOSE 8080
# `/readyz` through the binary itself (the image has no curl): healthy while
# it answers 200, degraded knowledge base included.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["khidma", "healthcheck"]
ENTRYPOINT ["khidma"]
CMD ["serve"]
