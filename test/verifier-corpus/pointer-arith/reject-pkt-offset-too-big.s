# type: xdp
# expect: reject pc=4
# kernel: reject pc=4 errno=EACCES
# kernel-message: invalid access to packet, off=65536 size=1, R2(id=0,off=65536,r=0)
# kernel-message-2: R2 offset is outside of the packet
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: packet pointer offsets must stay below 2^16; the access at data + 0x10000 is refused
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r2 += 0x10000
r0 = 2
r0 = *(u8 *)(r2 + 0)
exit
