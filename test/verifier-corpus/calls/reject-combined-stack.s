# type: xdp
# expect: reject pc=1
# kernel: reject pc=? errno=EACCES
# kernel-message: combined stack size of 2 calls is 528. Too large
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=264+256
# what: caller 264 bytes + callee 256 bytes exceed the 512-byte combined stack
*(u64 *)(r10 - 264) = 0
call f
r0 = 2
exit
f:
*(u64 *)(r10 - 256) = 0
r0 = 0
exit
