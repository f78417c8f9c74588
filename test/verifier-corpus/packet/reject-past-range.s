# type: xdp
# expect: reject pc=6
# kernel: reject pc=6 errno=EACCES
# kernel-message: invalid access to packet, off=23 size=1, R2(id=0,off=23,r=14)
# kernel-message-2: R2 offset is outside of the packet
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: the IPv4 header read after checking only the Ethernet bound (r=14, off=23)
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 14
r0 = 2
if r4 > r3 goto out
r0 = *(u8 *)(r2 + 23)
out:
exit
