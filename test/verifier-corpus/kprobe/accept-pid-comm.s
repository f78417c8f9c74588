# type: kprobe
# expect: accept
# kernel: accept
# kernel-stats: processed=9 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=16
# what: bpf_get_current_pid_tgid and bpf_get_current_comm into 16 bytes of stack
call 14
r6 = r0
r1 = r10
r1 += -16
r2 = 16
call 16
r0 = *(u64 *)(r10 - 16)
r0 = r6
exit
