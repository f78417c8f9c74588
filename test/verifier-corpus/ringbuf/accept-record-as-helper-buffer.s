# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: accept
# kernel: accept
# kernel-stats: processed=19 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: a record is memory of its size: bpf_xdp_load_bytes may fill it
r6 = r1
r1 = map_fd(0) ll
r2 = 16
r3 = 0
call 131
if r0 == 0 goto out
r7 = r0
r1 = r6
r2 = 0
r3 = r7
r4 = 16
call 189
r1 = r7
r2 = 0
call 132
out:
r0 = 2
exit
