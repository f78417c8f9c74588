# type: xdp
# maps: array key=4 value=8 entries=4
# expect: reject pc=7
# kernel: reject pc=7 errno=EACCES
# kernel-message: R0 invalid mem access 'map_value_or_null'
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: kernel quirk: the key is a known constant but was spilled as 8 bytes while the key is 4;
#   the kernel only uses a constant spill of exactly key_size, so r0 is map_value_or_null
r1 = 3
*(u64 *)(r10 - 8) = r1
r2 = r10
r2 += -8
r1 = map_fd(0) ll
call 1
r0 = *(u64 *)(r0 + 0)
r0 = 2
exit
