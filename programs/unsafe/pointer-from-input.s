# type: raw
# mem-size: 16
# what: trusts a pointer found in its input and follows it (the Channel File 291 pattern).
#   Driver mode: whatever the 8 input bytes say: here 0xffffd6030000006a, unmapped -> bug check 0x50.
#   Sandbox: rejected at load ("invalid mem access 'scalar'").
# mem: 6a 00 00 00 03 d6 ff ff 00 00 00 00 00 00 00 00
r2 = *(u64 *)(r1 + 0)
r0 = *(u8 *)(r2 + 0)
exit
