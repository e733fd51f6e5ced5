#!/usr/bin/env bash
# Lay a developer's built kernel tree out as a kernel cache folder, as scripts/fetch-kernel.sh does
# for a Debian kernel: kver, root/boot/vmlinuz-<release>, root/lib/modules/<release> (modules_install).
# usage: vm/prepare-kernel-tree.sh TREE BZIMAGE RELEASE HAS_MODULES(0|1)   prints the folder
set -euo pipefail
tree=${1:?}; bz=${2:?}; release=${3:?}; mods=${4:?}
cache=${OVL_CACHE:-$HOME/.cache/ovl-conform}
out="$cache/trees/$(printf '%s' "$tree" | sha256sum | cut -c1-16)"
mkdir -p "$out/root/boot"
echo "$release" > "$out/kver"
rm -f "$out"/initramfs-base-*.cpio   # the tree's modules may have changed since the last run
cp "$bz" "$out/root/boot/vmlinuz-$release"
if [ "$mods" = 1 ]; then
    rm -rf "$out/root/lib/modules/$release"
    make -s -C "$tree" INSTALL_MOD_PATH="$out/root" INSTALL_MOD_STRIP=1 modules_install >&2 \
        || { echo "prepare-kernel-tree: error: make modules_install failed in $tree" >&2; exit 128; }
else
    mkdir -p "$out/root/lib/modules/$release"
    touch "$out/root/lib/modules/$release/modules.dep"
fi
echo "$out"
