#!/bin/sh
# SPDX-License-Identifier: MIT
# Rebuilds programs/c/*.o from programs/c/*.c, the way the committed objects were made:
# Debian's clang-19, -O2 -g -target bpf, libbpf's headers from libbpf-dev (Debian 12: libbpf 1.1).
#
#   programs/build.sh            rebuild every object
#   programs/build.sh --check    rebuild into a temporary directory and compare with the committed
#                                objects (exit 1 when one differs)
#   CLANG=clang-20 programs/build.sh   use another compiler (the objects will then differ)
#
# Reproducible: compiled from programs/c with relative file names and -fdebug-compilation-dir=.,
# so no absolute path of this checkout ends up in the DWARF or BTF line info.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src="$here/c"
CLANG=${CLANG:-clang-19}
MULTIARCH=${MULTIARCH:-$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)}

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "build.sh: $CLANG not found (Debian: apt-get install clang-19 libbpf-dev)" >&2
	exit 2
fi
if [ ! -f /usr/include/bpf/bpf_helpers.h ]; then
	echo "build.sh: /usr/include/bpf/bpf_helpers.h not found (Debian: apt-get install libbpf-dev)" >&2
	exit 2
fi

check=0
[ "${1:-}" = "--check" ] && check=1
out="$src"
if [ $check -eq 1 ]; then
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi

status=0
cd "$src"
for c in *.c; do
	o="${c%.c}.o"
	# asm/types.h lives in the multiarch include directory, which -target bpf does not search.
	"$CLANG" -O2 -g -target bpf -Wall -Werror \
		-I"/usr/include/$MULTIARCH" \
		-fdebug-compilation-dir=. -fdebug-prefix-map="$src"=. \
		-c "$c" -o "$out/$o"
	if [ $check -eq 1 ]; then
		if cmp -s "$out/$o" "$src/$o"; then
			echo "same     $o"
		else
			echo "DIFFERS  $o"
			status=1
		fi
	else
		echo "built    $o"
	fi
done
exit $status
