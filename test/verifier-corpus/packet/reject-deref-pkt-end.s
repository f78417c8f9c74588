# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R3 invalid mem access 'pkt_end'
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: data_end itself cannot be dereferenced
r3 = *(u32 *)(r1 + 4)
r0 = *(u8 *)(r3 + 0)
exit
