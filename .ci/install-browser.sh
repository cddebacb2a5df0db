#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it cannot
# download its own browser here), plus a small Chinese font so 中文 labels render in screenshots.
# Idempotent: does nothing if /usr/bin/chromium and a Chinese font are already there.
# Runs as root with no TTY (CI); uses sudo when run as another user and sudo is available.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
PACKAGES=(chromium fonts-wqy-microhei)

have_cjk_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n1)" ]; }

if [ -x "$CHROMIUM" ] && have_cjk_font; then
    echo "install-browser: present: $("$CHROMIUM" --version 2>/dev/null | head -n1); Chinese font ok"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo -n"
    else
        echo "install-browser: need root (or sudo) to apt-get install chromium" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
start=$(date +%s)
echo "install-browser: installing ${PACKAGES[*]} (apt-get)..."
for attempt in 1 2 3; do
    if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
            "${PACKAGES[@]}" >/dev/null; then
        break
    fi
    if [ "$attempt" -eq 3 ]; then
        echo "install-browser: apt-get failed 3 times" >&2
        exit 1
    fi
    echo "install-browser: apt-get failed (attempt $attempt), retrying in 10 s" >&2
    sleep 10
done

if [ ! -x "$CHROMIUM" ]; then
    echo "install-browser: apt-get finished but $CHROMIUM is missing" >&2
    exit 1
fi
have_cjk_font || echo "install-browser: warning: no Chinese font found by fc-list" >&2
echo "install-browser: $("$CHROMIUM" --version 2>/dev/null | head -n1) in $(( $(date +%s) - start )) s"
