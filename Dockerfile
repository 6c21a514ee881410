# syntax=docker/dockerfile:1.7
#
# Both images from one file, so they share the dependency layers:
#   docker build --target todo-api -t todo-api .
#   docker build --target todo-mcp -t todo-mcp .
# The runtime images are distroless (no shell, no package manager) and run as the
# unprivileged user 65532. Nothing on the build machines of this repository runs a
# container engine: `scripts/check-deploy` checks this file statically (stages, COPY
# sources, binary names and ports against the chart), CI builds it.

ARG RUST_VERSION=1.95
ARG CARGO_CHEF_VERSION=0.1.73

FROM rust:${RUST_VERSION}-bookworm AS chef
ARG CARGO_CHEF_VERSION
RUN cargo install cargo-chef --locked --version "${CARGO_CHEF_VERSION}"
WORKDIR /src

# The dependency graph alone: this layer's output changes only when a manifest does.
FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

# Host dependencies, cooked once for both binaries and cached until Cargo.lock changes.
FROM chef AS deps
COPY --from=planner /src/recipe.json recipe.json
RUN cargo chef cook --release --locked --recipe-path recipe.json \
      -p api -p mcp-server

FROM deps AS build-api
COPY . .
RUN cargo build --release --locked -p api --bin todo-api

FROM deps AS build-mcp
COPY . .
RUN cargo build --release --locked -p mcp-server --bin todo-mcp

# The web UI bundle: the wasm build plus wasm-bindgen at exactly the version in
# Cargo.lock (the CLI must match the crate), the same steps as scripts/build-web.
FROM chef AS build-web
RUN rustup target add wasm32-unknown-unknown
COPY Cargo.lock ./
RUN version="$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' Cargo.lock)" \
 && test -n "$version" \
 && cargo install wasm-bindgen-cli --version "$version"
COPY --from=planner /src/recipe.json recipe.json
RUN cargo chef cook --release --locked --target wasm32-unknown-unknown \
      --recipe-path recipe.json -p web
COPY . .
RUN scripts/build-web

FROM gcr.io/distroless/cc-debian12:nonroot AS todo-api
COPY --from=build-api /src/target/release/todo-api /app/todo-api
COPY --from=build-web /src/web/dist /app/web
ENV TODO_LISTEN=0.0.0.0:8080 \
    TODO_WEB_DIR=/app/web \
    TODO_DATA_DIR=/tmp/todo-data \
    LOG_FORMAT=json
# 8080: HTTP (GraphQL, health, web UI); 9464: Prometheus metrics when
# TODO_METRICS_LISTEN is set. The Dapr app callback listens on the loopback only.
EXPOSE 8080 9464
USER 65532:65532
ENTRYPOINT ["/app/todo-api"]
CMD ["serve"]

FROM gcr.io/distroless/cc-debian12:nonroot AS todo-mcp
COPY --from=build-mcp /src/target/release/todo-mcp /app/todo-mcp
ENV TODO_MCP_LISTEN=0.0.0.0:8081
EXPOSE 8081
USER 65532:65532
ENTRYPOINT ["/app/todo-mcp"]
CMD ["http"]
