#!/usr/bin/env bash
# `make host-check`: the whole suite on the machine's own kernel (`ovl-conform run --host`), or a
# printed skip naming what the machine lacks: root, loop devices, overlay/ext4/xfs in its kernel.
# usage: scripts/host-check.sh BIN RESULTS CASES
set -euo pipefail
bin=$1 results=$2 cases=$3
skip() { echo "host-check: skipped: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "not root (run --host mounts filesystems and loop devices)"
[ -e /dev/loop-control ] || modprobe loop 2>/dev/null || true
[ -e /dev/loop-control ] || skip "no loop devices (/dev/loop-control missing, modprobe loop failed)"
for fs in overlay ext4 xfs; do
    grep -qw "$fs" /proc/filesystems || modprobe "$fs" 2>/dev/null || true
    grep -qw "$fs" /proc/filesystems || skip "the running kernel $(uname -r) has no $fs"
done
mkdir -p "$results"
exec "$bin" run --host $cases --results "$results" --junit "$results/junit.xml" --tap "$results/results.tap"
