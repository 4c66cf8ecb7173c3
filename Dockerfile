# syntax=docker/dockerfile:1
# Kirjaamo production image: built with the dependency layer cached, run as a non-root user
# with its data in /data. PostgreSQL is chosen with KIRJAAMO_DATABASE_URL.

FROM rust:1-bookworm AS chef
RUN cargo install cargo-chef --locked --version 0.1.73
WORKDIR /src

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev \
 && rm -rf /var/lib/apt/lists/*
COPY --from=planner /src/recipe.json recipe.json
# The build settings (SQLite's compile flags) before the dependencies are built with them.
COPY .cargo .cargo
RUN cargo chef cook --release --recipe-path recipe.json
COPY . .
RUN cargo build --release --bin kirjaamo

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin kirjaamo \
 && mkdir -p /data && chown kirjaamo /data
WORKDIR /app
COPY --from=builder /src/target/release/kirjaamo /usr/local/bin/kirjaamo
# Courses stay files, so authors can update them without a rebuild (mount over /app/courses).
COPY courses /app/courses
# Give at run time: KIRJAAMO_SECRET, KIRJAAMO_BASE_URL (the public https:// address; production
# refuses to serve or send mail without it), KIRJAAMO_DATABASE_URL, and KIRJAAMO_TRUSTED_PROXIES
# (the load balancer's addresses, so limits see the client's address).
ENV KIRJAAMO_ENV=production \
    KIRJAAMO_BIND=0.0.0.0:8080 \
    KIRJAAMO_DATA_DIR=/data \
    KIRJAAMO_COURSES_DIR=/app/courses
USER kirjaamo
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD curl --fail --silent http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["kirjaamo"]
CMD ["serve"]
