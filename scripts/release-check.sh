#!/usr/bin/env bash
# Builds every OS/arch of .goreleaser.yml without signing keys, so the release configuration is exercised
# before a tag needs it. With goreleaser (built once per version from the Go module proxy and cached under
# ~/.cache, like scripts/install-tools.sh does for the CLIs): `goreleaser release --snapshot` without
# signing or publishing, then a check of the archives, checksums and registry manifest. Without it (or with
# RELEASE_CHECK_GOBUILD=1): the same matrix, read from .goreleaser.yml, cross-compiled with `go build`.
set -euo pipefail

GORELEASER_VERSION="${GORELEASER_VERSION:-v2.15.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-zerotrust/tools"
goreleaser="$cache/goreleaser-$GORELEASER_VERSION/goreleaser"
project="terraform-provider-zerotrust"
cd "$root"
start=$SECONDS

if ! go mod tidy -diff >/dev/null 2>&1; then
  echo "!! go.mod/go.sum are not tidy: the release's 'go mod tidy -diff' hook will refuse to release until" >&2
  echo "!! 'go mod tidy' is committed. release-check skips that hook and builds the committed files." >&2
fi

install_goreleaser() {
  [ "${RELEASE_CHECK_GOBUILD:-}" = 1 ] && return 1
  [ -x "$goreleaser" ] && return 0
  echo ">> building goreleaser $GORELEASER_VERSION from the Go module proxy (first time only, ~6 min)" >&2
  local tmp
  tmp="$(mktemp -d)"
  if GOBIN="$tmp" GOFLAGS=-mod=mod go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION" >&2; then
    mkdir -p "$(dirname "$goreleaser")"
    mv "$tmp/goreleaser" "$goreleaser"
    rm -rf "$tmp"
    return 0
  fi
  rm -rf "$tmp"
  echo ">> goreleaser could not be built; falling back to go build over the same matrix" >&2
  return 1
}

# targets prints the goos/goarch pairs of .goreleaser.yml's build, minus its ignore list.
targets() {
  awk '
    /^[^ #]/ { sect = "" }
    /^    goos:/   { sect = "goos"; next }
    /^    goarch:/ { sect = "goarch"; next }
    /^    ignore:/ { sect = "ignore"; next }
    /^    [a-z_]+:/ { sect = "" }
    sect == "goos"   && /^      - / { gsub(/[-\047" ]/, ""); os[++nos] = $0 }
    sect == "goarch" && /^      - / { gsub(/[-\047" ]/, ""); arch[++narch] = $0 }
    sect == "ignore" && /goos:/     { v = $0; sub(/.*goos: */, "", v); gsub(/[\047"]/, "", v); igos = v }
    sect == "ignore" && /goarch:/   { v = $0; sub(/.*goarch: */, "", v); gsub(/[\047"]/, "", v); skip[igos "/" v] = 1 }
    END { for (i = 1; i <= nos; i++) for (j = 1; j <= narch; j++) { t = os[i] "/" arch[j]; if (!(t in skip)) print t } }
  ' .goreleaser.yml
}

# The registry needs these; a config that drops one fails here rather than at release time.
required="darwin/amd64 darwin/arm64 linux/386 linux/amd64 linux/arm linux/arm64 windows/386 windows/amd64 freebsd/amd64"
matrix="$(targets | sort)"
for t in $required; do
  grep -qx "$t" <<<"$matrix" || { echo "release-check: .goreleaser.yml does not build $t" >&2; exit 1; }
done
supported="$(go tool dist list)"
for t in $matrix; do
  grep -qx "$t" <<<"$supported" || { echo "release-check: $t is in .goreleaser.yml but not a target of $(go version)" >&2; exit 1; }
done

if install_goreleaser; then
  echo ">> goreleaser $GORELEASER_VERSION: snapshot release, no signing, no publishing"
  "$goreleaser" check
  "$goreleaser" release --snapshot --clean --skip=before,sign,publish
  version="$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' dist/metadata.json | sed -n 1p)"
  zips=0
  for t in $matrix; do
    zip="dist/${project}_${version}_${t%/*}_${t#*/}.zip"
    [ -f "$zip" ] || { echo "release-check: missing $zip" >&2; exit 1; }
    zips=$((zips + 1))
  done
  sums="dist/${project}_${version}_SHA256SUMS"
  grep -q "${project}_${version}_manifest.json" "$sums" || { echo "release-check: $sums lacks the registry manifest" >&2; exit 1; }
  (cd dist && sha256sum -c --quiet --ignore-missing "$(basename "$sums")")
  echo "==> release-check OK (goreleaser): $zips archives + SHA256SUMS + manifest in dist/ in $((SECONDS - start))s"
else
  echo ">> go build over the goreleaser matrix (goreleaser unavailable, or RELEASE_CHECK_GOBUILD=1)"
  out="dist/gobuild"
  rm -rf "$out" && mkdir -p "$out"
  version="0.0.0-SNAPSHOT-$(git rev-parse --short HEAD 2>/dev/null || echo none)"
  n=0
  for t in $matrix; do
    ext=""; [ "${t%/*}" = windows ] && ext=".exe"
    bin="$out/${t%/*}_${t#*/}/${project}_v${version}${ext}"
    # GOARM=6 is goreleaser's default for arm, so both paths build the same binaries.
    CGO_ENABLED=0 GOOS="${t%/*}" GOARCH="${t#*/}" GOARM=6 go build -trimpath \
      -ldflags "-s -w -X main.version=$version -X main.commit=$(git rev-parse --short HEAD 2>/dev/null || echo none)" -o "$bin" .
    echo "   built $t"
    n=$((n + 1))
  done
  cp terraform-registry-manifest.json "$out/${project}_${version}_manifest.json"
  echo "==> release-check OK (go build): $n targets in $out in $((SECONDS - start))s"
fi
