#!/usr/bin/env bash
# Where the time of a kernel developer's edit->verdict loop goes, on this machine:
#   module build, clean; module build after a real one-line edit (the module's hash must change);
#   boot to ready (QEMU start -> the guest agent's first record); a bare boot-and-poweroff (one
#   trivial job); the whole suite as `run` does it by default (one guest per CPU) and in one guest;
#   where the guests' time went, by phase; and the ratio edit->verdict / bare boot.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/ovl-conform
kdir=$(bash scripts/fetch-kernel.sh)
src=$(bash kmod/extract-source.sh "$kdir")
now() { date +%s.%N; }
secs() { printf '%.1f' "$(echo "$2 - $1" | bc)"; }

work=$(mktemp -d /var/tmp/ovl-bench.XXXX)
buildkey=$(printf '%s' "$work/fs/overlayfs" | sha256sum | cut -c1-16)
trap 'rm -rf "$work" "$kdir/build/$buildkey"' EXIT
cp -r "$src/fs" "$work/"

t0=$(now); ko=$(bash kmod/build-module.sh "$work" "$kdir"); t1=$(now)
before=$(sha256sum < "$ko")
# A real edit: the text of a kernel message in dir.c, so the module's content changes.
sed -i 's/failed lookup after mkdir (/failed lookup after mkdir [bench] (/' "$work/fs/overlayfs/dir.c"
grep -q 'mkdir \[bench\]' "$work/fs/overlayfs/dir.c" || { echo "bench: the edit did not apply" >&2; exit 128; }
t2=$(now); bash kmod/build-module.sh "$work" "$kdir" >/dev/null; t3=$(now)
[ "$(sha256sum < "$ko")" != "$before" ] || { echo "bench: the edited source built an identical module" >&2; exit 1; }
build_clean=$(secs "$t0" "$t1"); build_edit=$(secs "$t2" "$t3")

# A bare boot: one trivial job (boot, load modules, make the loop filesystems, one mount, power off).
mkdir -p "$work/bare"
printf '%s\n' 'description: bare boot' 'rules: [R1]' 'layers: {lower: [{}]}' > "$work/bare/empty.yaml"
t4=$(now); $bin run "$work/bare/empty.yaml" --fs ext4 --module-src "$work" --results "$work/r-bare" > "$work/bare.log" || true; t5=$(now)
t6=$(now); $bin run cases --module-src "$work" --results "$work/r-suite" > "$work/suite.log" || true; t7=$(now)
t8=$(now); $bin run cases --jobs 1 --module-src "$work" --results "$work/r-suite1" > "$work/suite1.log" || true; t9=$(now)
bare=$(secs "$t4" "$t5"); suite=$(secs "$t6" "$t7"); suite1=$(secs "$t8" "$t9")
ready=$(grep -Eo 'ready after [0-9./s]+' "$work/suite.log" | tail -1 | cut -d' ' -f3)
count() { grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1; }
loop=$(echo "$build_edit + $suite" | bc)

echo "module build, clean:                 $build_clean s"
echo "module build, one real line edited:  $build_edit s (overlay.ko changed)"
echo "boot to ready (suite's guest):       $ready"
echo "bare boot+poweroff, 1 trivial job:   $bare s"
guests=$(grep -Eo 'boots [0-9.s+]+' "$work/suite.log" | tail -1 | tr -cd '+' | wc -c)
echo "whole suite, $((guests + 1)) guest(s) (default):   $suite s ($(count "$work/suite.log"))"
echo "whole suite, one guest (--jobs 1):  $suite1 s ($(count "$work/suite1.log"))"
echo "where the guests' time went:         $(grep -Eo 'guest time .*' "$work/suite.log" | tail -1)"
echo "edit->verdict (edited build + suite): $loop s"
echo "ratio edit->verdict / bare boot:     $(echo "scale=2; $loop / $bare" | bc)"
echo "ratio suite / bare boot:             $(echo "scale=2; $suite / $bare" | bc)"
