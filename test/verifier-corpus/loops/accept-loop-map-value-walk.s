# type: xdp
# maps: hash key=4 value=32 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=36 total_states=3 peak_states=3 max_states_per_insn=1 stack_depth=8
# what: a loop over the four u64 words of a map value (offset = i * 8, i = 0..3)
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r6 = 0
r7 = 0
loop:
r1 = r0
r1 += r6
r2 = *(u64 *)(r1 + 0)
r7 += r2
r6 += 8
if r6 < 32 goto loop
out:
r0 = 2
exit
