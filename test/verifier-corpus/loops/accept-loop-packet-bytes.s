# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=59 total_states=3 peak_states=3 max_states_per_insn=1 stack_depth=0
# what: a loop reading the first 8 packet bytes after one bounds check for all of them
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 8
r0 = 2
if r4 > r3 goto out
r5 = 0
r6 = 0
loop:
r4 = r2
r4 += r5
r7 = *(u8 *)(r4 + 0)
r6 += r7
r5 += 1
if r5 < 8 goto loop
r0 = 2
out:
exit
