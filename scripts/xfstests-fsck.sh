#!/bin/bash
# Runs xfstests' fsck.overlay tests (overlay/045 whiteouts, 046 redirects, 056 impure) unchanged,
# from an xfstests tree the user fetched, against our fsck.overlay, and counts their 22 sub-cases.
#
#   scripts/xfstests-fsck.sh XFSTESTS_DIR [FSCK_OVERLAY_PROG]
#
# XFSTESTS_DIR: a checkout of xfstests (e.g. `git clone --depth 1
# https://git.kernel.org/pub/scm/fs/xfs/xfstests-dev.git /tmp/xfstests`); it is read, never
# changed, and never copied into this project (GPL). FSCK_OVERLAY_PROG defaults to the one
# `make build` puts beside ovl-conform (.build/release/fsck.overlay).
#
# Only the three test scripts and their golden .out files are taken from the tree. Instead of
# xfstests' own common/ files (which want a configured test and scratch device), a small stand-in
# of ours supplies the handful of helpers and variables the three tests use: the scratch layers are
# folders in a temporary directory on the filesystem of $TMPDIR (which must take trusted.*
# xattrs). Needs root, attr (setfattr/getfattr), mknod, util-linux unshare. The whole run is in a
# private mount namespace (`unshare --mount`): 056's first sub-case mounts an overlay (the running
# kernel's) to let copy-up write origin and impure; nothing is mounted outside that namespace.
#
# Prints each sub-case as `ok`/`FAIL` with what differed, then `N/22 sub-cases pass`; exits 0
# only when all pass.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
xfstests=${1:?usage: $0 XFSTESTS_DIR [FSCK_OVERLAY_PROG]}
prog=${2:-$here/.build/release/fsck.overlay}
[[ -x $prog ]] || { echo "no executable fsck.overlay at $prog (make build)" >&2; exit 2; }
prog=$(readlink -f "$prog")
for t in 045 046 056; do
	[[ -f $xfstests/tests/overlay/$t && -f $xfstests/tests/overlay/$t.out ]] ||
		{ echo "$xfstests has no tests/overlay/$t" >&2; exit 2; }
done
[[ $(id -u) == 0 ]] || { echo "needs root (trusted.* xattrs, mknod, the overlay mount of 056)" >&2; exit 2; }

# Inside the private mount namespace: everything below runs there.
if [[ -z ${OVL_FSCK_HARNESS_NS:-} ]]; then
	exec env OVL_FSCK_HARNESS_NS=1 unshare --mount --propagation private "$0" "$xfstests" "$prog"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/xfstests-fsck.XXXXXX")
trap 'umount "$work/mnt" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/tree/tests/overlay" "$work/tree/common" "$work/scratch" "$work/mnt" "$work/results"
for t in 045 046 056; do
	cp "$xfstests/tests/overlay/$t" "$xfstests/tests/overlay/$t.out" "$work/tree/tests/overlay/"
done

# The stand-in for common/: only what 045, 046 and 056 call.
cat >"$work/tree/common/preamble" <<'EOF'
# ovl-conform's stand-in for xfstests' preamble and overlay helpers (not xfstests code).
export FSCK_OK=0 FSCK_NONDESTRUCT=1 FSCK_UNCORRECTED=4
export OVL_XATTR_OPAQUE=trusted.overlay.opaque OVL_XATTR_REDIRECT=trusted.overlay.redirect
export OVL_XATTR_IMPURE=trusted.overlay.impure OVL_XATTR_ORIGIN=trusted.overlay.origin
SETFATTR_PROG=$(type -P setfattr); GETFATTR_PROG=$(type -P getfattr); UMOUNT_PROG=$(type -P umount)

_begin_fstest() {
	seq=$(basename "$0")
	seqres=$RESULT_DIR/$seq
	tmp=$RESULT_DIR/tmp.$$
	status=1
	trap 'exit $status' EXIT HUP INT QUIT TERM
	echo "QA output created by $seq"
	rm -f "$seqres.full"
}
_notrun() { echo "not run: $*"; status=0; exit; }
_require_scratch_nocheck() { :; }
_require_attrs() { [[ -n $SETFATTR_PROG && -n $GETFATTR_PROG ]] || _notrun "attr tools missing"; }
_require_command() { [[ -x ${1%% *} ]] || _notrun "${2:-$1} required"; }
# The scratch "filesystem" is a folder: making it anew empties it.
_scratch_mkfs() { rm -rf "${OVL_BASE_SCRATCH_MNT:?}"/*; }
_getfattr() { $GETFATTR_PROG "$@" | sed -e 's/=""//'; }
_overlay_fsck_dirs() {
	local lower=$1 upper=$2 work=$3
	shift 3
	$FSCK_OVERLAY_PROG -o lowerdir=$lower -o upperdir=$upper -o workdir=$work $*
}
_overlay_fsck_expect() {
	local want=$1 lower=$2 upper=$3 work=$4
	shift 4
	_overlay_fsck_dirs $lower $upper $work $* >>"$seqres.full" 2>&1
	local got=$?
	[[ $got == "$want" ]] || echo "expect fsck.overlay to return $want, but got $got"
}
_overlay_scratch_mount_dirs() {
	mount -t overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" overlay "$SCRATCH_MNT"
}
EOF
: >"$work/tree/common/filter"
: >"$work/tree/common/attr"

export FSCK_OVERLAY_PROG=$prog OVL_BASE_SCRATCH_MNT=$work/scratch SCRATCH_MNT=$work/mnt RESULT_DIR=$work/results

pass=0 total=0
for t in 045 046 056; do
	out=$work/results/$t.out
	(cd "$work/tree" && bash "./tests/overlay/$t") >"$out" 2>&1 || true
	# Split both outputs into sub-cases at their "+ name" lines and compare each.
	while IFS= read -r name; do
		total=$((total + 1))
		got=$(awk -v n="$name" '$0 == n {on=1; next} /^\+ / {on=0} on' "$out")
		want=$(awk -v n="$name" '$0 == n {on=1; next} /^\+ / {on=0} on' "$work/tree/tests/overlay/$t.out")
		if grep -qxF -- "$name" "$out" && [[ $got == "$want" ]]; then
			pass=$((pass + 1))
			echo "ok    overlay/$t ${name#+ }"
		else
			echo "FAIL  overlay/$t ${name#+ }"
			[[ -n $got ]] && printf '        %s\n' "$got" | sed 's/^/        /; s/^ *//; s/^/        /'
		fi
	done < <(grep '^+ ' "$work/tree/tests/overlay/$t.out")
	# Anything the test printed before its first sub-case (not run, errors) is shown too.
	pre=$(awk '/^\+ /{exit} NR>1' "$out")
	[[ -z $pre ]] || printf 'overlay/%s: %s\n' "$t" "$pre"
	if [[ ${KEEP_FULL:-} ]]; then cp "$work/results/$t.full" "${KEEP_FULL}/$t.full" 2>/dev/null || true; fi
done
echo "$pass/$total sub-cases pass (fsck.overlay: $prog)"
[[ $pass == "$total" ]]
