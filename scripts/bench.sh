#!/usr/bin/env bash
# Prints where the time of an edit->verdict loop goes: clean and incremental module builds, a bare
# boot-and-poweroff of the guest, and the whole suite in one boot, with the suite/boot ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/debug/ovl-conform
kdir=$(bash scripts/fetch-kernel.sh)
src=$(bash kmod/extract-source.sh "$kdir")
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

work=$(mktemp -d /var/tmp/ovl-bench.XXXX); trap 'rm -rf "$work"' EXIT
cp -r "$src/fs" "$work/"
t0=$(now); bash kmod/build-module.sh "$work" "$kdir" >/dev/null; t1=$(now)
echo "/* bench: one edited line */" >> "$work/fs/overlayfs/dir.c"
t2=$(now); bash kmod/build-module.sh "$work" "$kdir" >/dev/null; t3=$(now)
rm -rf "$kdir/build/$(printf '%s' "$work/fs/overlayfs" | sha256sum | cut -c1-16)"
echo "module build, clean:           $(secs $t0 $t1) s"
echo "module build, one file edited: $(secs $t2 $t3) s"

# A bare boot: the same guest with an empty plan (boot, load modules, make filesystems, power off).
mkdir -p "$work/bare"
echo '[]' >/dev/null
printf '%s\n' 'description: bare boot' 'rules: [R1]' 'layers: {lower: [{}]}' > "$work/bare/empty.yaml"
t4=$(now); $bin run "$work/bare/empty.yaml" --fs ext4 --results "$work/r-bare" >/dev/null || true; t5=$(now)
t6=$(now); $bin run cases --results "$work/r-suite" > "$work/suite.log" || true; t7=$(now)
bare=$(secs $t4 $t5); suite=$(secs $t6 $t7)
jobs=$(grep -Eo '^[0-9]+ passed, [0-9]+ failed' "$work/suite.log" | tail -1)
echo "bare boot+poweroff (1 trivial job, incl. module check): $bare s"
echo "whole suite, one boot ($jobs): $suite s"
echo "ratio suite / bare boot: $(echo "scale=2; $suite / $bare" | bc)"
