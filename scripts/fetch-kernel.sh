#!/usr/bin/env bash
# Fetch one consistent Debian 6.12 kernel (image, headers, kbuild, source) into a cache folder,
# extract it without touching the host's /boot, and print the cache folder of that version.
#
# usage: scripts/fetch-kernel.sh [VERSION]      e.g. 6.12.117  (default: the newest linux-source-6.12
#        version whose image, headers and kbuild apt can also download)
# The image is linux-image-<kver>, or linux-image-<kver>-unsigned when the signed package is not
# published (yet): Debian signs a version days after the rest, and the unsigned image is the same
# kernel without the Secure Boot signature, which QEMU does not check.
# env:   OVL_CACHE (default ~/.cache/ovl-conform)
# exit:  0 ok; 128 the packages are not available (message says which)
set -euo pipefail
cache=${OVL_CACHE:-$HOME/.cache/ovl-conform}
want=${1:-}

die() { echo "fetch-kernel: error: $*" >&2; exit 128; }

# has PKG: apt can download PKG (it has a candidate version, not just a name others provide).
has() { local c; c=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}'); [ -n "$c" ] && [ "$c" != "(none)" ]; }
# image_pkg VERSION: the image package apt has for VERSION, signed first; fails when neither.
image_pkg() { local k="$1+deb12-amd64"; if has "linux-image-$k"; then echo "linux-image-$k"; elif has "linux-image-$k-unsigned"; then echo "linux-image-$k-unsigned"; else return 1; fi; }
# complete VERSION: every package of VERSION is available.
complete() { local a="$1+deb12"; image_pkg "$1" >/dev/null && has "linux-headers-$a-amd64" && has "linux-headers-$a-common" && has "linux-kbuild-$a"; }

if [ -z "$want" ]; then
    versions() { apt-cache madison linux-source-6.12 2>/dev/null | awk '{print $3}' | sed 's/-.*//'; }
    if [ -z "$(versions)" ] && [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null 2>&1 || true; fi
    [ -n "$(versions)" ] || die "linux-source-6.12 is not available from apt (enable bookworm-security and run apt-get update)"
    for v in $(versions | sort -t. -k3,3nr -u); do
        if complete "$v"; then want=$v; break; fi
        echo "fetch-kernel: $v: linux-source-6.12 is there but not every image/headers/kbuild package; trying an older version" >&2
    done
    [ -n "$want" ] || die "no linux-source-6.12 version has its image, headers and kbuild packages in apt (apt-cache madison linux-source-6.12 lists the versions)"
fi
abi="$want+deb12"
kver="$abi-amd64"
dir="$cache/kernel/$kver"
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi

image=$(image_pkg "$want") || die "package linux-image-$kver (or its -unsigned) is not available (try: apt-get update; apt-cache policy linux-source-6.12 lists the versions)"
pkgs=("$image" linux-headers-$kver linux-headers-$abi-common linux-kbuild-$abi)
debs="$cache/debs"
for p in "${pkgs[@]}"; do
    has "$p" || die "package $p is not available (try: apt-get update; apt-cache policy linux-source-6.12 lists the versions)"
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
