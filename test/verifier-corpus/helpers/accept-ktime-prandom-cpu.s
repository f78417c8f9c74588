# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: helpers without arguments: ktime_get_ns (5), get_prandom_u32 (7), get_smp_processor_id (8)
call 5
r6 = r0
call 7
r6 += r0
call 8
r0 += r6
r0 = 2
exit
