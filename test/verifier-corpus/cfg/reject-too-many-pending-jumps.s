# type: xdp
# expect: reject pc=3
# kernel: reject pc=3 errno=EFAULT
# kernel-message: The sequence of 8193 jumps is too complex.
# kernel-stats: processed=24580 total_states=821 peak_states=821 max_states_per_insn=4 stack_depth=0
# what: every iteration of this bounded loop meets a branch on an unknown value and leaves its
#   other side pending; after 8192 pending branches the kernel gives up ('the sequence of jumps
#   is too complex'), long before the instruction limit
r6 = *(u32 *)(r1 + 16)
r1 = 0
loop:
r1 += 1
if r6 == 7 goto +0
if r1 < 10000 goto loop
r0 = 2
exit
