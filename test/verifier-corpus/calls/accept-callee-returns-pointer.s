# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0+0
# what: privileged: a static subprogram may return a pointer (here the context); the caller
#   gets it back with its type and reads through it. (Only global, BTF-typed subprograms must
#   return a scalar.)
call f
r0 = *(u32 *)(r0 + 16)
exit
f:
r0 = r1
exit
