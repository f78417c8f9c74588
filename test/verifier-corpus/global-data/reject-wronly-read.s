# type: xdp
# maps: array key=4 value=8 entries=1 flags=256
# expect: reject pc=2
# kernel: reject pc=2 errno=EACCES
# kernel-message: read from map forbidden, value_size=8 off=0 size=8
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: BPF_F_WRONLY_PROG maps cannot be read by programs
r1 = map_value(0, 0) ll
r0 = *(u64 *)(r1 + 0)
r0 = 2
exit
