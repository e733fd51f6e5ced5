#!/usr/bin/env bash
# Build the base initramfs for one cached kernel: static busybox, the stock modules the guest needs
# (virtio PCI, a module in Debian's 6.1 and built in from 6.12; 9p over virtio, virtio disks, ext4,
# xfs; loop, erofs and squashfs for read-only image lowers) in dependency order, and vm/init. The
# fresh overlay.ko is NOT in it: the runner appends it
# as a second cpio archive per run (the kernel accepts concatenated cpio).
# usage: vm/make-initramfs.sh KERNEL_CACHE_DIR      prints the path of base.cpio
set -euo pipefail
kdir=${1:?usage: make-initramfs.sh KERNEL_CACHE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$kdir/kver")
# One base per content of init and this script: checkouts with different versions of them (other
# branches, worktrees) share the kernel cache without overwriting each other's base.
stamp=$(cat "$here/init" "$0" | sha256sum | cut -c1-16)
out="$kdir/initramfs-base-$stamp.cpio"
if [ -f "$out" ]; then echo "$out"; exit 0; fi
busybox=$(command -v busybox) || { echo "make-initramfs: error: busybox missing: apt-get install busybox-static" >&2; exit 128; }
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || [ -x /bin/busybox ] || true

root="$kdir/root"
[ -f "$root/lib/modules/$kver/modules.dep" ] || depmod -b "$root" "$kver"
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,host,lib/mod,tmp}
cp "$busybox" "$stage/bin/busybox"
cp "$here/init" "$stage/init"; chmod +x "$stage/init"
: > "$stage/lib/mod/order"
for ko in $(modprobe -d "$root" -S "$kver" --show-depends -a virtio_pci 9pnet_virtio 9p virtio_blk ext4 xfs loop erofs squashfs | awk '$1=="insmod" {print $2}'); do
    name=$(basename "$ko"); name=${name%.xz}; name=${name%.zst}; name=${name%.gz}
    grep -qx "$name" "$stage/lib/mod/order" && continue
    case "$ko" in
        *.xz) xz -dc "$ko" > "$stage/lib/mod/$name";;
        *.zst) zstd -qdc "$ko" > "$stage/lib/mod/$name";;
        *.gz) gzip -dc "$ko" > "$stage/lib/mod/$name";;
        *) cp "$ko" "$stage/lib/mod/$name";;
    esac
    echo "$name" >> "$stage/lib/mod/order"
done
tmp=$(mktemp "$out.XXXXXX")
(cd "$stage" && find . | cpio -o -H newc --quiet) > "$tmp"
mv "$tmp" "$out"
echo "$out"
