# type: xdp
# maps: array key=4 value=16 entries=1 flags=128
# expect: reject pc=3
# kernel: reject pc=3 errno=EACCES
# kernel-message: write into map forbidden, value_size=16 off=4 size=4
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a map created with BPF_F_RDONLY_PROG (as .rodata is) cannot be written by programs
r1 = map_value(0, 0) ll
r2 = 1
*(u32 *)(r1 + 4) = r2
r0 = 2
exit
