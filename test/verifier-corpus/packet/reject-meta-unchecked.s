# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)
# kernel-message-2: R2 offset is outside of the packet
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: data_meta read without checking it against data
r2 = *(u32 *)(r1 + 8)
r0 = *(u8 *)(r2 + 0)
exit
