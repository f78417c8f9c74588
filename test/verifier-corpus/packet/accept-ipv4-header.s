# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=15 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: a 34-byte check (Ethernet + IPv4 header) then a read of the IPv4 protocol byte
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 34
r0 = 2
if r4 > r3 goto out
r5 = *(u16 *)(r2 + 12)
if r5 != 8 goto out
r5 = *(u8 *)(r2 + 23)
if r5 != 6 goto out
r0 = 1
out:
exit
