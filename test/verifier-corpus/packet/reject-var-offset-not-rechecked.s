# type: xdp
# expect: reject pc=10
# kernel: reject pc=10 errno=EACCES
# kernel-message: invalid access to packet, off=1 size=1, R2(id=1,off=1,r=0)
# kernel-message-2: R2 offset is outside of the packet
# kernel-stats: processed=11 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a variable offset added after the check: the range no longer covers the access
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 16
r0 = 2
if r4 > r3 goto out
r5 = *(u8 *)(r2 + 0)
r5 &= 15
r2 += r5
r0 = 2
r0 = *(u8 *)(r2 + 1)
out:
exit
