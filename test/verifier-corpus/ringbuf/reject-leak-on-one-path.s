# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: reject
# kernel: reject pc=13 errno=EINVAL
# kernel-message: Unreleased reference id=2 alloc_insn=4
# kernel-message-2: BPF_EXIT instruction in main prog would lead to reference leak
# kernel-stats: processed=15 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: the record is submitted on one path only
r1 = map_fd(0) ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r6 = r0
call 7
if r0 > 100 goto out
r1 = r6
r2 = 0
call 132
out:
r0 = 2
exit
