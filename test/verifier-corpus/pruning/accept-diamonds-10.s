# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=94 total_states=10 peak_states=10 max_states_per_insn=0 stack_depth=0
# what: ten diamonds; the live result (r0 = r7 at the end) makes the constants matter, so only
#   the last diamond's choice survives to the exit
r6 = *(u32 *)(r1 + 16)
if r6 & 1 goto +2
r7 = 1
goto +1
r7 = 2
if r6 & 2 goto +2
r7 = 1
goto +1
r7 = 2
if r6 & 4 goto +2
r7 = 1
goto +1
r7 = 2
if r6 & 8 goto +2
r7 = 1
goto +1
r7 = 2
if r6 & 16 goto +2
r7 = 1
goto +1
r7 = 2
if r6 & 32 goto +2
r7 = 1
goto +1
r7 = 2
if r6 & 64 goto +2
r7 = 1
goto +1
r7 = 2
if r6 & 128 goto +2
r7 = 1
goto +1
r7 = 2
if r6 & 256 goto +2
r7 = 1
goto +1
r7 = 2
if r6 & 512 goto +2
r7 = 1
goto +1
r7 = 2
r0 = r7
exit
