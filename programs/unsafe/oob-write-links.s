# type: raw
# mem-size: 64
# what: overwrites the LIST_ENTRY (Flink) of the process object that follows the buffer, leaving
#   its pool header alone. Driver mode: corruption of explorer.exe's process entry; the next walk of
#   the process list fails its integrity check: bug check 0x139 KERNEL_SECURITY_CHECK_FAILURE (3).
#   Sandbox: rejected at load.
r2 = 0xdeadbeef ll
*(u64 *)(r1 + 80) = r2
r0 = 0
exit
