# syntax=docker/dockerfile:1.7
#
# Both images from one file, so they share the toolchain and planner layers:
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

# Host dependencies, cooked per binary (features unify per build, so one cook for both
# would not match either build) and cached until Cargo.lock changes.
FROM chef AS deps-api
COPY --from=planner /src/recipe.json recipe.json
# The patched crates of [patch.crates-io] are dependencies, not in the recipe; the build
# settings of .cargo/config.toml (how the bundled SQLite is compiled) apply to the cook.
COPY .cargo .cargo
COPY vendor vendor
RUN cargo chef cook --release --locked --recipe-path recipe.json -p api --bin todo-api

FROM chef AS deps-mcp
COPY --from=planner /src/recipe.json recipe.json
COPY .cargo .cargo
COPY vendor vendor
RUN cargo chef cook --release --locked --recipe-path recipe.json -p mcp-server --bin todo-mcp

FROM deps-api AS build-api
COPY . .
RUN cargo build --release --locked -p api --bin todo-api

FROM deps-mcp AS build-mcp
COPY . .
RUN cargo build --release --locked -p mcp-server --bin todo-mcp

# The web UI bundle, made by scripts/build-web exactly as on a developer's machine: the
# wasm32 build (profile `web`), wasm-bindgen at the version in Cargo.lock (the CLI must
# match the crate), and web/bundle.mjs on Node.js, into web/dist.
FROM chef AS build-web
RUN rustup target add wasm32-unknown-unknown \
 && apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
COPY Cargo.lock ./
RUN version="$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' Cargo.lock)" \
 && test -n "$version" \
 && cargo install wasm-bindgen-cli --version "$version"
COPY --from=planner /src/recipe.json recipe.json
COPY .cargo .cargo
COPY vendor vendor
RUN cargo chef cook --profile web --locked --target wasm32-unknown-unknown \
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
