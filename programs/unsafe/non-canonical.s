# type: raw
# mem-size: 16
# what: follows a non-canonical address (bits 63..47 differ), the kind of garbage the
#   Channel File 291 dump shows. Driver mode: page fault (general protection on real hardware),
#   bug check 0x50 here. Sandbox: rejected at load.
r2 = 0x0000d6030000006a ll
r0 = *(u64 *)(r2 + 0)
exit
