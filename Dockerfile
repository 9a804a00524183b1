# syntax=docker/dockerfile:1
# Build: a static binary, no cgo (the SQLite driver and pgx are pure Go).
# The image runs on SQLite in /data by default, or on PostgreSQL with
# -e RESILIENCE_DATABASE=postgres://… (the /data volume then stays unused).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/resilience ./cmd/resilience \
 && mkdir -p /out/data /out/tmp

# Run: distroless static image as a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/resilience /usr/local/bin/resilience
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build --chown=65532:65532 /out/tmp /tmp
USER 65532:65532
ENV RESILIENCE_ADDR=:8080 \
    RESILIENCE_DATABASE=/data/resilience.db \
    TMPDIR=/tmp
VOLUME ["/data", "/tmp"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/resilience", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/resilience"]
CMD ["serve"]
