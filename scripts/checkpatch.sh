#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.sh - checkpatch.pl --strict over atcp's kernel code, with the
# checkpatch.pl of Debian's linux-source-6.1 (extracted once into .vm/).
#
#   scripts/checkpatch.sh [FILE...]     default: module/*.[ch] and the uapi header
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/.vm/checkpatch
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
	[ -n "$tarball" ] || { echo "checkpatch: install linux-source-6.1" >&2; exit 2; }
	mkdir -p "$dir"
	src=$(basename "$tarball" .tar.xz)
	tar -xJf "$tarball" -C "$dir" --strip-components=1 \
		"$src/scripts/checkpatch.pl" "$src/scripts/spelling.txt" \
		"$src/scripts/const_structs.checkpatch"
fi
cd "$top"
if [ $# = 0 ]; then
	set -- $(ls module/*.[ch] selftests/kmod/*.c | grep -v "\.mod\.c$") module/include/uapi/linux/*.h
fi
ignore=SPDX_LICENSE_TAG,FILE_PATH_CHANGES
rc=0
plain=() trace=()
for f in "$@"; do
	case $f in
	*_trace.h) trace+=("$f") ;;
	*) plain+=("$f") ;;
	esac
done
check()
{
	"$dir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
		--ignore "$1" -f "${@:2}" || rc=1
}
[ ${#plain[@]} = 0 ] || check "$ignore" "${plain[@]}"
# TRACE_EVENT() is laid out as in the kernel's include/trace/events/
[ ${#trace[@]} = 0 ] || check "$ignore,OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT" "${trace[@]}"
exit $rc
