# type: xdp
# expect: reject pc=6
# kernel: reject pc=6 errno=EACCES
# kernel-message: invalid access to packet, off=2 size=4, R2(id=0,off=2,r=4)
# kernel-message-2: R2 offset is outside of the packet
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a sign-extending 4-byte load that straddles the proven packet range
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 4
r0 = 2
if r4 > r3 goto out
r0 = *(s32 *)(r2 + 2)
out:
exit
