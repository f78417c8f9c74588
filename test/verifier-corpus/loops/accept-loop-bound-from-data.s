# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=1282 total_states=27 peak_states=27 max_states_per_insn=4 stack_depth=0
# what: the trip count is an unknown byte (0..255 after the mask); every iteration is explored
#   because the counter and the bound both matter, but it stays far below the limit
r2 = *(u32 *)(r1 + 16)
r2 &= 255
r1 = 0
r0 = 0
loop:
if r1 >= r2 goto done
r0 += 2
r1 += 1
goto loop
done:
r0 = 2
exit
