#!/usr/bin/env bash
# Fetch one consistent Debian kernel (image, headers, kbuild, source) into a cache folder, extract
# it without touching the host's /boot, and print the cache folder of that version.
#
# usage: scripts/fetch-kernel.sh [VERSION]      e.g. 6.12.117 or 6.1.192, or a line: 6.12, 6.1 (its
#        newest version apt has in full); default: the newest linux-source-6.12 version whose image,
#        headers and kbuild apt can also download
# 6.12.N: linux-image-6.12.N+deb12-amd64, linux-headers-6.12.N+deb12-{amd64,common},
#        linux-kbuild-6.12.N+deb12 and linux-source-6.12; cache folder kernel/6.12.N+deb12-amd64.
# 6.1.N: Debian names these by the ABI, not the upstream version: Debian 6.1.192-3 is
#        linux-image-6.1.0-57-amd64, linux-headers-6.1.0-57-{amd64,common}, with linux-kbuild-6.1 and
#        linux-source-6.1 pinned to that same Debian version. The ABI NN is that of the
#        linux-headers-6.1.0-NN-common apt has at version N-REV; the newest revision for which apt has
#        every package wins. Cache folder kernel/6.1.0-NN-amd64 (uname -r), Debian version in debian-version.
# The image is linux-image-<kver>, or linux-image-<kver>-unsigned when the signed package is not
# published (yet): Debian signs a version days after the rest, and the unsigned image is the same
# kernel without the Secure Boot signature, which QEMU does not check.
# env:   OVL_CACHE (default ~/.cache/ovl-conform)
# exit:  0 ok; 128 the packages are not available (message says which, or which versions apt has)
set -euo pipefail
cache=${OVL_CACHE:-$HOME/.cache/ovl-conform}
want=${1:-}
[ "$want" = 6.12 ] && want=""   # the line: its newest, as with no version
debs="$cache/debs"

die() { echo "fetch-kernel: error: $*" >&2; exit 128; }

# extract DIR KVER DEB...: unpack the packages into DIR/root and point the headers' Makefile, which
# includes the -common tree by absolute path (/usr/src/linux-headers-…-common), into the cache.
extract() {
    local dir=$1 kver=$2 root="$1/root"; shift 2
    rm -rf "$root"; mkdir -p "$root"
    for d in "$@"; do dpkg-deb -x "$d" "$root"; done
    sed -i "s|include /usr/src/|include $root/usr/src/|" "$root/usr/src/linux-headers-$kver/Makefile"
    echo "$kver" > "$dir/kver"
}

if [[ "$want" == 6.1.* || "$want" == 6.1 ]]; then
    # One table "PKG VERSION" of every 6.1 package apt has (one apt-cache madison call).
    names61() { apt-cache pkgnames linux- | grep -E '^linux-(image-6\.1\.0-[0-9]+-amd64(-unsigned)?|headers-6\.1\.0-[0-9]+-(amd64|common)|kbuild-6\.1|source-6\.1)$' || true; }
    names=$(names61)
    if [ -z "$names" ] && [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null 2>&1 || true; names=$(names61); fi
    table=$( [ -z "$names" ] || apt-cache madison $names 2>/dev/null | awk -F'|' '{gsub(/ /, ""); print $1, $2}' | sort -u)
    # at DEBVER PKG: PKG when apt has it at exactly Debian version DEBVER.
    at() { awk -v v="$1" -v p="$2" '$1 == p && $2 == v {print $1}' <<<"$table"; }
    # abi DEBVER: NN of the linux-headers-6.1.0-NN-common apt has at DEBVER.
    abi() { awk -v v="$1" '$2 == v && $1 ~ /^linux-headers-6\.1\.0-[0-9]+-common$/ {print $1}' <<<"$table" | sed -E 's/^linux-headers-6\.1\.0-([0-9]+)-common$/\1/' | head -n1; }
    # packages DEBVER: "KVER PKG=DEBVER..." (signed image first); fails when apt lacks one of them.
    packages() {
        local d=$1 n k img p; n=$(abi "$d"); [ -n "$n" ] || return 1
        k="6.1.0-$n-amd64"
        if [ -n "$(at "$d" "linux-image-$k")" ]; then img="linux-image-$k"
        elif [ -n "$(at "$d" "linux-image-$k-unsigned")" ]; then img="linux-image-$k-unsigned"
        else return 1; fi
        for p in "linux-headers-$k" "linux-headers-6.1.0-$n-common" linux-kbuild-6.1 linux-source-6.1; do
            [ -n "$(at "$d" "$p")" ] || return 1
        done
        echo "$k $img=$d linux-headers-$k=$d linux-headers-6.1.0-$n-common=$d linux-kbuild-6.1=$d linux-source-6.1=$d"
    }
    debvers() { awk '$1 == "linux-source-6.1" {print $2}' <<<"$table" | sort -Vr -u; }
    found=""
    for d in $(debvers); do
        [ "$want" = 6.1 ] || [ "${d%-*}" = "$want" ] || continue
        if found=$(packages "$d"); then break; fi
        found=""
        echo "fetch-kernel: $d: apt lacks one of its image/headers/kbuild/source packages; trying an older one" >&2
    done
    if [ -z "$found" ]; then
        have=$(for d in $(debvers); do if packages "$d" >/dev/null; then echo "${d%-*}"; fi; done | sort -Vr -u | paste -sd' ')
        die "Debian kernel $want: apt does not have its image, headers, kbuild and source packages; versions apt has in full: ${have:-none} (enable bookworm-security and run apt-get update)"
    fi
    read -r kver pkgs <<<"$found"
    dir="$cache/kernel/$kver"
    if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi
    mkdir -p "$debs" "$dir"
    files=()
    for p in $pkgs; do   # PKG=DEBVER; apt-get download names the file PKG_DEBVER_ARCH.deb
        f=$(ls "$debs/${p%%=*}_${p#*=}"_*.deb 2>/dev/null | head -n1 || true)
        if [ -z "$f" ]; then
            (cd "$debs" && apt-get download -q "$p" >&2) || die "apt-get download $p failed"
            f=$(ls "$debs/${p%%=*}_${p#*=}"_*.deb | head -n1)
        fi
        files+=("$f")
    done
    extract "$dir" "$kver" "${files[@]}"
    echo "${pkgs##*=}" > "$dir/debian-version"
    touch "$dir/.complete"
    echo "$dir"
    exit 0
fi

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

files=(); for p in "${pkgs[@]}"; do files+=("$debs/${p}"_*.deb); done
extract "$dir" "$kver" "${files[@]}" "$debs/linux-source-6.12_${srcver}"_*.deb
touch "$dir/.complete"
echo "$dir"
