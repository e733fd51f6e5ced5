#!/usr/bin/env bash
# Fetch one consistent Debian 6.12 kernel (image, headers, kbuild, source) into a cache folder,
# extract it without touching the host's /boot, and print the cache folder of that version.
#
# usage: scripts/fetch-kernel.sh [VERSION]      e.g. 6.12.117  (default: the linux-source-6.12 candidate)
# env:   OVL_CACHE (default ~/.cache/ovl-conform)
# exit:  0 ok; 128 the packages are not available (message says which)
set -euo pipefail
cache=${OVL_CACHE:-$HOME/.cache/ovl-conform}
want=${1:-}

die() { echo "fetch-kernel: error: $*" >&2; exit 128; }

if [ -z "$want" ]; then
    full=$(apt-cache policy linux-source-6.12 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [ -z "$full" ] || [ "$full" = "(none)" ]; then
        [ "$(id -u)" = 0 ] && apt-get update -qq >/dev/null 2>&1 || true
        full=$(apt-cache policy linux-source-6.12 2>/dev/null | awk '/Candidate:/ {print $2}')
    fi
    [ -n "$full" ] && [ "$full" != "(none)" ] || die "linux-source-6.12 is not available from apt (enable bookworm-security and run apt-get update)"
    want=${full%%-*}                       # 6.12.117-1~deb12u1 -> 6.12.117
fi
abi="$want+deb12"
kver="$abi-amd64"
dir="$cache/kernel/$kver"
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi

pkgs=(linux-image-$kver linux-headers-$kver linux-headers-$abi-common linux-kbuild-$abi)
debs="$cache/debs"
for p in "${pkgs[@]}"; do
    apt-cache show "$p" >/dev/null 2>&1 || die "package $p is not available (try: apt-get update; apt-cache policy linux-source-6.12 lists the versions)"
done
srcver=$(apt-cache madison linux-source-6.12 | awk -v w="$want" '$3 ~ "^"w"-" {print $3; exit}')
[ -n "$srcver" ] || die "linux-source-6.12 version $want-* is not available (apt-cache madison linux-source-6.12 lists them)"
mkdir -p "$debs" "$dir"   # only for a version apt has in full: a refused one leaves no empty folder

( cd "$debs"
  for p in "${pkgs[@]}"; do ls "${p}"_*.deb >/dev/null 2>&1 || apt-get download -q "$p" >&2; done
  ls linux-source-6.12_"${srcver}"_*.deb >/dev/null 2>&1 || apt-get download -q "linux-source-6.12=$srcver" >&2
) || die "apt-get download failed"

root="$dir/root"; rm -rf "$root"; mkdir -p "$root"
for p in "${pkgs[@]}"; do dpkg-deb -x "$debs/${p}"_*.deb "$root"; done
dpkg-deb -x "$debs/linux-source-6.12_${srcver}"_*.deb "$root"
# The headers' Makefile includes the -common tree by absolute path: point it into the cache.
hdr="$root/usr/src/linux-headers-$kver"
sed -i "s|/usr/src/linux-headers-$abi-common|$root/usr/src/linux-headers-$abi-common|g" "$hdr/Makefile"
echo "$kver" > "$dir/kver"
touch "$dir/.complete"
echo "$dir"
