# type: raw
# mem-size: 64
# what: a classic linear overflow: writes 48 bytes where 64 fit, starting at offset 32.
#   driver mode: the last 16 bytes overwrite the neighbour (the next pool header and the
#   process-list links of explorer.exe); the kernel's next list walk finds the damage and bug
#   checks (0x19 / 0x139). Sandbox: rejected at load.
r2 = 0x4141414141414141 ll
r3 = 0
loop:
r4 = r1
r4 += r3
*(u64 *)(r4 + 32) = r2
r3 += 8
if r3 < 64 goto loop
r0 = 0
exit
