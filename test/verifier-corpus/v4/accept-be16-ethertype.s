# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=13 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: the EtherType read from the packet and converted with be16 before the compare
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 14
r0 = 2
if r4 > r3 goto out
r5 = *(u16 *)(r2 + 12)
r5 = be16 r5
if r5 != 0x0800 goto out
r0 = 1
out:
exit
