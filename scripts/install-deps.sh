#!/usr/bin/env bash
# Installs every Debian and npm dependency of govhub, idempotently. Nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  # build
  g++ make cmake ninja-build ccache pkg-config clang-format
  # the integrity check of npm tarballs fetched alone (thai-address-database)
  openssl
  # native libraries (DESIGN.md §3)
  libboost-dev nlohmann-json3-dev libsqlite3-dev libsodium-dev libssl-dev libcurl4-openssl-dev
  libkainjow-mustache-dev libicu-dev libcli11-dev libgtest-dev libgmock-dev libpq-dev
  # the datastore's readers and writers
  libuchardet-dev libarchive-dev libexpat1-dev libfreexl-dev libgdal-dev libxlsxwriter-dev
  # documents: PDFs with Thai shaping, QR codes
  libpango1.0-dev libcairo2-dev libqrencode-dev
  # Markdown descriptions
  libcmark-gfm-dev libcmark-gfm-extensions-dev
  # gzip (Bitstring Status Lists of Learning's credentials)
  zlib1g-dev
  # workD's DNS checks (c-ares)
  libc-ares-dev
  # runtime and test peers
  fonts-thai-tlwg python3 python3-pytest python3-aiosmtpd chromium nginx-light wrk curl
  libspreadsheet-writeexcel-perl python3-openpyxl poppler-utils
  # an independent Ed25519 (libsodium's Python binding) checks Learning's signed credentials
  python3-nacl
  # Learning: the demo lesson video is made at first start (ffmpeg), not committed
  ffmpeg
  postgresql-15
  # workD's resolver tests: a real DNS server on loopback (dnsmasq-base installs no service) and
  # a misbehaving one (tests/dns/bad_dns.py)
  dnsmasq-base python3-dnslib
)

# `--fuzz` (make fuzz): the clang that builds the libFuzzer targets. `make test` does not need it
# (the corpus replay is built with GCC).
if [[ ${1:-} == --fuzz ]]; then DEBIAN_PACKAGES+=(clang-16 libclang-rt-16-dev); fi

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm: Debian's, unless the machine already has a node/npm pair.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages, pinned by the committed lockfile; reinstall only when it changed.
stamp=node_modules/.govhub-lock-stamp
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

# Front-end assets the pages use are copied out of node_modules (never committed).
vendor=web/static/vendor
mkdir -p "$vendor/sarabun"
for w in 400 700; do
  for s in thai latin; do
    src=node_modules/@fontsource/sarabun/files/sarabun-$s-$w-normal.woff2
    [[ -f $src ]] && cp -u "$src" "$vendor/sarabun/"
  done
done
# Charts and maps for the datastore's views.
mkdir -p "$vendor/echarts" "$vendor/leaflet/images"
cp -u node_modules/echarts/dist/echarts.min.js "$vendor/echarts/"
cp -u node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$vendor/leaflet/"
cp -u node_modules/leaflet/dist/images/*.png "$vendor/leaflet/images/"
# The SCORM runtime page's API objects (Learning): one self-contained build per version
# (window.Scorm12API, window.Scorm2004API). Its minified files carry no licence banner, so the
# MIT notice goes with them.
mkdir -p "$vendor/scorm-again"
cp -u node_modules/scorm-again/dist/scorm12.min.js node_modules/scorm-again/dist/scorm2004.min.js \
  node_modules/scorm-again/LICENSE "$vendor/scorm-again/"
# Thai addresses (workD's request form: the pickers and the server's check, core/thai_address.hpp):
# only the data file of thai-address-database. That package lists its build tools (Babel, Mocha,
# ESLint plugins ...) as runtime dependencies, so it is not in package.json: `npm pack` fetches its
# tarball alone (from npm's cache when there), checked against the registry's pinned integrity,
# and only database/db.json (plus package.json, for the version and licence) is kept.
# To update: change both lines (`npm view thai-address-database@VERSION dist.integrity`), run this
# script and the unit tests (src/core/thai_address_test.cpp).
THAI_ADDRESS_VERSION=0.0.30
THAI_ADDRESS_INTEGRITY=sha512-o3VEoMMFKEbQZl/d4ekBa5r/uJ2tOe+4ZejkjJJLDCHGXRdZfizXeBaRERmKR9jHOAPuoDPAgl1B72k8aNRMAg==
thai_address=$vendor/thai-address-database
if [[ ! -f $thai_address/db.json ]] || [[ $(cat "$thai_address/.integrity" 2>/dev/null) != "$THAI_ADDRESS_INTEGRITY" ]]; then
  tmp=$(mktemp -d)
  npm pack --silent --prefer-offline --pack-destination "$tmp" \
    "thai-address-database@$THAI_ADDRESS_VERSION" >/dev/null
  tgz=$tmp/thai-address-database-$THAI_ADDRESS_VERSION.tgz
  got=sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)
  if [[ $got != "$THAI_ADDRESS_INTEGRITY" ]]; then
    echo "thai-address-database $THAI_ADDRESS_VERSION: integrity $got, expected $THAI_ADDRESS_INTEGRITY" >&2
    rm -rf "$tmp"; exit 1
  fi
  tar -xzf "$tgz" -C "$tmp" package/database/db.json package/package.json
  mkdir -p "$thai_address"
  cp "$tmp/package/database/db.json" "$tmp/package/package.json" "$thai_address/"
  echo "$THAI_ADDRESS_INTEGRITY" >"$thai_address/.integrity"
  rm -rf "$tmp"
fi
echo "dependencies ready"
