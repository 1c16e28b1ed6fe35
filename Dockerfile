# Build: docker build -t nhacviec .
# Run:   docker run -d --name nhacviec -v nhacviec-data:/data \
#          -e NHACVIEC_TELEGRAM_TOKEN=123:ABC nhacviec
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Pure Go (modernc.org/sqlite): a static binary; tzdata is embedded in it.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/nhacviec ./cmd/nhacviec \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/nhacviec /usr/local/bin/nhacviec
COPY --from=build --chown=nonroot:nonroot /out/data /data
# GOMEMLIMIT: Go's soft heap limit keeps the bot under 200 MB while it
# makes a year's export of 100k tasks (BENCHMARKS.md §7).
ENV NHACVIEC_DB=/data/nhacviec.db \
    NHACVIEC_LOG_FORMAT=json \
    GOMEMLIMIT=150MiB
VOLUME /data
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/nhacviec"]
CMD ["run"]
