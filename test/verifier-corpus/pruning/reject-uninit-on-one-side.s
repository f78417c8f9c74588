# type: xdp
# expect: reject pc=5
# kernel: reject pc=5 errno=EACCES
# kernel-message: R7 !read_ok
# kernel-stats: processed=8 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: one side of the diamond leaves R7 uninitialized; the join is not pruned for it and the
#   read after the join is rejected on that path
r6 = *(u32 *)(r1 + 16)
if r6 & 1 goto +2
r7 = 1
goto +1
r8 = 2
r0 = r7
exit
