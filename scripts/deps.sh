#!/usr/bin/env bash
# Install what ovl-conform needs on Debian 12: apt-get when root, otherwise print the exact command
# and exit 128.
set -euo pipefail
pkgs=(qemu-system-x86 busybox-static xfsprogs e2fsprogs erofs-utils squashfs-tools cpio kmod dwarves libmount-dev libattr1-dev attr xz-utils
      make gcc bc flex bison libelf-dev libssl-dev pkg-config libxml2-utils)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "deps: all host packages present"; exit 0; fi
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages; run as root:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 128
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
