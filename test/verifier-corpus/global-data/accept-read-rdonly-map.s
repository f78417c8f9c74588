# type: xdp
# maps: array key=4 value=16 entries=1 flags=128
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: read-only maps can be read (not frozen here, so the value is unknown)
r1 = map_value(0, 8) ll
r0 = *(u64 *)(r1 + 0)
if r0 > 3 goto out
r0 = 1
out:
r0 = 2
exit
