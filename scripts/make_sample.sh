#!/usr/bin/env bash
# Regenerate samples/meeting/ (recording, card, truth, protocol) on Debian bookworm.
# Only needed to change the sample: a normal install uses the committed recording.flac.
# Needs root: the MBROLA voices live in Debian's contrib/non-free, enabled here for this machine only.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v espeak-ng >/dev/null || ! command -v sox >/dev/null || ! command -v mbrola >/dev/null \
    || [ ! -e /usr/share/mbrola/sw1 ] || [ ! -e /usr/share/mbrola/sw2 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Kör som root för att installera espeak-ng, sox och MBROLA-rösterna – run as root to install them" >&2
    exit 1
  fi
  src=/etc/apt/sources.list.d/contrib-nonfree.sources
  if [ ! -e "$src" ]; then
    printf '%s\n' "# Added for Protokoll's sample generation (MBROLA voices are in contrib/non-free)." \
      "Types: deb" "URIs: http://deb.debian.org/debian" "Suites: bookworm" "Components: contrib non-free" \
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" > "$src"
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y mbrola mbrola-sw1 mbrola-sw2 espeak-ng sox
fi

.venv/bin/python scripts/make_sample.py "$@"
