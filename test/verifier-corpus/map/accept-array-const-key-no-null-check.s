# type: xdp
# maps: array key=4 value=8 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: Linux 6.18: an array lookup with a constant key inside the array cannot fail, and the
#   verifier knows it: r0 is map_value (not _or_null) and is used without a null check.
#   The key must be a known constant on the stack: here an immediate 4-byte store at an
#   8-aligned slot (the kernel records it as a 4-byte spill of a constant, as big as the key)
*(u32 *)(r10 - 8) = 3
r2 = r10
r2 += -8
r1 = map_fd(0) ll
call 1
r0 = *(u64 *)(r0 + 0)
r0 = 2
exit
