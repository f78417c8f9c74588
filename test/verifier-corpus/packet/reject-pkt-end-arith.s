# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R3 pointer arithmetic on pkt_end prohibited
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: data_end may be compared but never moved
r3 = *(u32 *)(r1 + 4)
r3 += -4
r0 = 2
exit
