# type: raw
# mem: 16
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid access to packet, off=-1 size=1, R1(id=0,off=-1,r=16)
# kernel-message-2: R1 offset is outside of the packet
# kernel-stats: processed=9 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a read before the start of the memory
r0 = *(u8 *)(r1 - 1)
exit
