#!/usr/bin/env bash
# Install a Chinese font (Debian's fonts-wqy-microhei, ~5 MB) so 中文 labels in the app's figures and
# the comparison plots render (experiments/fonts.py finds it even if matplotlib's font cache is older).
# Idempotent: does nothing when fontconfig already knows a Chinese font. Run by `make setup`.
# Without root (and without sudo) it prints how to install the font and exits 0: the figures then
# fall back to English labels, the rest works.
set -euo pipefail

PACKAGES=(fontconfig fonts-wqy-microhei)

have_cjk_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n1)" ]; }

if have_cjk_font; then
    echo "install-cjk-font: present: $(fc-list :lang=zh family 2>/dev/null | head -n1)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "install-cjk-font: no Chinese font, and no root to install one: figures will be labelled in" \
             "English. Install one with: sudo apt-get install fonts-wqy-microhei" >&2
        exit 0
    fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-cjk-font: no apt-get here: install a Chinese font (e.g. WenQuanYi Micro Hei or Noto Sans CJK SC)" \
         "yourself; figures are labelled in English until then" >&2
    exit 0
fi

echo "install-cjk-font: installing ${PACKAGES[*]} (apt-get)..."
for attempt in 1 2 3; do
    if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${PACKAGES[@]}" >/dev/null; then
        break
    fi
    if [ "$attempt" -eq 3 ]; then
        echo "install-cjk-font: apt-get failed 3 times; figures will be labelled in English" >&2
        exit 0
    fi
    sleep 10
done
have_cjk_font && echo "install-cjk-font: $(fc-list :lang=zh family | head -n1)" \
    || echo "install-cjk-font: warning: installed, but fc-list finds no Chinese font" >&2
