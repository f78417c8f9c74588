# type: xdp
# expect: reject pc=2
# kernel: reject pc=2 errno=EACCES
# kernel-message: R2 invalid mem access 'scalar'
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a sign-extending move of a pointer gives an unknown scalar, which cannot be used as the
#   stack pointer it came from
r2 = r10
r2 = (s32)r2
*(u64 *)(r2 - 8) = 0
r0 = 2
exit
