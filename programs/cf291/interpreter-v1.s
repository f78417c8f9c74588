# Channel File 291 miniature: the content interpreter, DRIVER BUILD (v1, with the latent bug).
# type: socket_filter
# maps: content=array key=4 value=4160 entries=1, ipc_inputs=array key=4 value=160 entries=1, interp_state=array key=4 value=16 entries=1
# what: evaluates every Template Instance of the loaded channel file (map `content`, the BCF1
#   file as loaded from disk) against one IPC event. The sensor glue passes the event's inputs as
#   20 raw pointers to strings (map `ipc_inputs`, 20 x u64 = 160 bytes). The interpreter keeps its
#   cursor (instances left, field index f) in `interp_state`, as driver code tends to.
#   Nothing checks f against the number of inputs: a criterion at position 21 (f = 20) reads 8
#   bytes past the pointer array (insn 24) and dereferences them (insn 25).
#   r0 = the id of the last instance that matched, 0 if none.
#
#   for each instance I:                    (state.left counts down)
#     for f in 0 .. I.n_criteria-1:         (state.f, a u8)
#       c = I.crit[f]
#       if c.op == WILDCARD: continue       # the input is never touched
#       s = INPUT_FIELD(f)                  # insns 20-24: inputs[f], no bounds check
#       if !match(c, s): next instance      # insn 25 on: the string behind the pointer
#     last_match = I.id
#
# Registers: r6 = &inputs[0], r7 = f, r8 = &instance, r9 = &state, r5 = &crit[f] - 8.
r6 = map_value(1, 0) ll
r9 = map_value(2, 0) ll
r8 = map_value(0, 0) ll
r1 = *(u16 *)(r8 + 16)
*(u64 *)(r9 + 0) = r1
r8 += 32
*(u64 *)(r9 + 8) = 0
instance_loop:
r1 = *(u32 *)(r9 + 0)
if r1 == 0 goto done
criterion_loop:
r7 = *(u8 *)(r9 + 4)
r1 = *(u8 *)(r8 + 5)
if r7 >= r1 goto matched
r5 = r7
r5 <<= 4
r5 += r8
r1 = *(u8 *)(r5 + 8)
if r1 == 0 goto next_criterion
r3 = r7
r3 <<= 3
r4 = r6
r4 += r3
r1 = *(u64 *)(r4 + 0)
r2 = *(u8 *)(r1 + 0)
if r2 == 0 goto next_instance
r2 = *(u64 *)(r1 + 0)
r4 = *(u32 *)(r1 + 12)
r1 = *(u32 *)(r1 + 8)
r3 = *(u64 *)(r5 + 12)
r2 ^= r3
r3 = *(u32 *)(r5 + 20)
r1 ^= r3
r3 = *(u8 *)(r5 + 8)
if r3 != 1 goto not_equals
r2 |= r1
r2 |= r4
if r2 != 0 goto next_instance
goto next_criterion
not_equals:
if r3 != 2 goto next_instance
r3 = *(u8 *)(r5 + 9)
if r3 == 0 goto next_instance
if r3 > 12 goto next_instance
if r3 >= 8 goto prefix_long
r3 <<= 3
r4 = 1
r4 <<= r3
r4 += -1
r2 &= r4
if r2 != 0 goto next_instance
goto next_criterion
prefix_long:
if r2 != 0 goto next_instance
r3 += -8
r3 <<= 3
r4 = 1
r4 <<= r3
r4 += -1
r1 &= r4
if r1 != 0 goto next_instance
next_criterion:
r1 = *(u8 *)(r9 + 4)
r1 += 1
*(u8 *)(r9 + 4) = r1
goto criterion_loop
matched:
r1 = *(u32 *)(r8 + 0)
*(u32 *)(r9 + 8) = r1
next_instance:
r1 = *(u8 *)(r8 + 5)
r1 <<= 4
r1 += 8
r8 += r1
r1 = *(u32 *)(r9 + 0)
r1 += -1
*(u32 *)(r9 + 0) = r1
*(u8 *)(r9 + 4) = 0
goto instance_loop
done:
r0 = *(u32 *)(r9 + 8)
exit
