# Channel File 291 miniature: the content interpreter, SANDBOX BUILD (v2, bounds-checked).
# type: socket_filter
# maps: content=array key=4 value=4160 entries=1, ipc_inputs=array key=4 value=320 entries=1, errors=array key=4 value=8 entries=1
# what: the same interpreter for the eBPF sandbox. The event's 20 inputs are copied inline into
#   one map value (`ipc_inputs`, 20 x 16 bytes = 320): no raw pointers. Before an input is read,
#   one bounds check (insn 20) sends a field index of 20 or more to field_error, which counts the
#   error in map `errors` and lets the instance not match. The cursor lives in registers, so the
#   verifier follows every (instance, field) pair and proves every access in bounds.
#   r0 = the id of the last instance that matched, 0 if none.
#
# Registers: r6 = &ipc_inputs, r7 = f, r8 = &instance, r9 = instances left, r5 = &crit[f] - 8.
r6 = map_value(1, 0) ll
r8 = map_value(0, 0) ll
r0 = 0
r9 = *(u16 *)(r8 + 16)
if r9 > 12 goto done
r1 = *(u8 *)(r8 + 14)
if r1 != 21 goto done
r8 += 32
instance_loop:
if r9 == 0 goto done
r1 = *(u8 *)(r8 + 5)
if r1 != 21 goto next_instance
r7 = 0
criterion_loop:
if r7 >= 21 goto matched
r5 = r7
r5 <<= 4
r5 += r8
r1 = *(u8 *)(r5 + 8)
if r1 == 0 goto next_criterion
if r7 >= 20 goto field_error
r3 = r7
r3 <<= 4
r4 = r6
r4 += r3
r2 = *(u64 *)(r4 + 0)
r1 = *(u32 *)(r4 + 8)
r4 = *(u32 *)(r4 + 12)
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
r7 += 1
goto criterion_loop
field_error:
r1 = map_value(2, 0) ll
r2 = 1
lock *(u64 *)(r1 + 0) += r2
goto next_instance
matched:
r0 = *(u32 *)(r8 + 0)
next_instance:
r8 += 344
r9 += -1
goto instance_loop
done:
exit
