# syntax=docker/dockerfile:1

# Build stage: compile the release binary. Dependencies are built first
# from the manifests alone, so that editing src/ does not rebuild them.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo "fn main() {}" > src/main.rs && touch src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src
COPY src ./src
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
