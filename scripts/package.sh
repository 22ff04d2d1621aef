#!/usr/bin/env bash
# Builds the release packages into dist/: the village's programs (registry, registry-web) and the server
# (sync-server, its systemd unit and example environment file), each a tarball with an INSTALL.md. Swift's standard
# library is linked into the binaries (--static-swift-stdlib): they need only glibc, libstdc++, zlib, libxml2, libsqlite3,
# libcurl and, for the server, libqrencode from the system. scripts/test-package.sh checks the result.
# Usage: scripts/package.sh            (PACKAGE_CONFIGURATION=debug for a quicker build of the same layout)
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${PACKAGE_CONFIGURATION:-release}
# FoundationXML (the .xlsx reader) lives in a static archive whose C half the linker would otherwise meet too early:
# name it (and libxml2) again at the end of the link.
# Its own build folder: objects compiled for a static standard library cannot be linked against the shared one, so
# sharing .build with the tests' builds would break the next `swift build`.
SCRATCH="$PWD/.build-package"
# No DWARF (scripts/build-flags) and no index store (no tests here): the packages are stripped anyway, and CI's debug
# build of them is 2-3x quicker without (the village's CLI alone: 7.5 min with both, 2.7 min without, on 2 cores).
read -r -a BUILD_FLAGS < scripts/build-flags
FLAGS=(-c "$CONFIG" --static-swift-stdlib -Xlinker -l_CFXMLInterface -Xlinker -lxml2 "${BUILD_FLAGS[@]}" --disable-index-store)

echo "== building ($CONFIG, Swift's standard library linked in) =="
# The village's CLI first, alone: it must compile nothing of the server's packages (a village laptop builds it).
# Checked when the build folder is new (always in CI); in a folder an earlier run filled, the modules are there anyway.
fresh=true
[ -d "$SCRATCH" ] && fresh=false
swift build "${FLAGS[@]}" --scratch-path "$SCRATCH" --product registry
BIN="$(swift build "${FLAGS[@]}" --scratch-path "$SCRATCH" --show-bin-path)"
if $fresh; then
    # SwiftPM lays out a folder for every module of the package graph; a compiled one holds object files.
    server_modules=$(find "$BIN" -name '*.o' -path '*.build/*' | sed 's|.*/\([^/]*\)\.build/.*|\1|' | sort -u \
        | grep -E '^(C?Hummingbird|C?NIO|C?Postgres|AsyncHTTPClient|C?Crypto)' || true)
    if [ -n "$server_modules" ]; then
        echo "building registry compiled $(echo $server_modules): the village side must not need the server's packages" >&2
        exit 1
    fi
    echo "registry built alone: $(ls "$BIN"/Modules/*.swiftmodule | wc -l) Swift modules compiled, none of Hummingbird, NIO, PostgresNIO or swift-crypto"
fi
swift build "${FLAGS[@]}" --scratch-path "$SCRATCH" --product registry-web
swift build "${FLAGS[@]}" --scratch-path "$SCRATCH" --product sync-server
REGISTRY="$BIN/registry"
WEB="$BIN/registry-web"
SERVER="$BIN/sync-server"

VERSION=$("$REGISTRY" --version)
DESCRIBE=$(git describe --tags --always --dirty 2>/dev/null || echo "no git")
ARCH=$(uname -m)
rm -rf dist && mkdir -p dist/stage

village="village-registry-$VERSION"
mkdir -p "dist/stage/$village/bin"
install -m 0755 "$REGISTRY" "$WEB" "dist/stage/$village/bin/"
install -m 0644 packaging/INSTALL-village.md "dist/stage/$village/INSTALL.md"
echo "$VERSION ($DESCRIBE, $CONFIG)" > "dist/stage/$village/VERSION"

server="sync-server-$VERSION"
mkdir -p "dist/stage/$server/bin"
install -m 0755 "$SERVER" "dist/stage/$server/bin/"
install -m 0644 packaging/INSTALL-server.md "dist/stage/$server/INSTALL.md"
install -m 0644 packaging/sync-server.service packaging/sync-server.env.example "dist/stage/$server/"
echo "$VERSION ($DESCRIBE, $CONFIG)" > "dist/stage/$server/VERSION"

# Debug symbols stay out of a package a village downloads over a slow line.
[ "$CONFIG" = release ] && strip "dist/stage/$village/bin/"* "dist/stage/$server/bin/"*
for name in "$village" "$server"; do
    tar -C dist/stage --owner=0 --group=0 -czf "dist/$name-linux-$ARCH.tar.gz" "$name"
done
rm -rf dist/stage
ls -l dist/
