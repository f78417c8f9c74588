#!/bin/sh
# Rebuilds the verifier corpus objects (clang-19 from Debian, libbpf-dev headers).
set -e
cd "$(dirname "$0")"
for c in *.c; do
  clang-19 -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c "$c" -o "${c%.c}.o"
done
