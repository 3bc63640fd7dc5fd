# syntax=docker/dockerfile:1

# Build stage: compile the release binary. Dependencies are built first
# from the manifests alone, so that editing src/ does not rebuild them.
FROM rust:1.95-bookworm AS build
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
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin khidma
WORKDIR /app
COPY --from=build /src/target/release/khidma /usr/local/bin/khidma
COPY knowledge_base ./knowledge_base
COPY locales ./locales
USER khidma
ENV KHIDMA_BIND=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["khidma"]
CMD ["serve"]
