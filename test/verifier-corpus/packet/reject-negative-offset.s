# type: xdp
# expect: reject pc=6
# kernel: reject pc=6 errno=EACCES
# kernel-message: invalid access to packet, off=-1 size=1, R2(id=0,off=-1,r=8)
# kernel-message-2: R2 offset is outside of the packet
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: reading the byte before data
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 8
r0 = 2
if r4 > r3 goto out
r0 = *(u8 *)(r2 - 1)
out:
exit
