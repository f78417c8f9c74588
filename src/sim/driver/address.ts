// The simulated kernel address space as the user sees it.
//
// Underneath, the driver simulation runs on bpfbox's VM, whose addresses are 32-bit (one 16 MiB
// window per region). The simulation shows every VM address as a kernel-style address by adding
// one fixed base: VM 0x30000040 is shown as 0xffffa08030000040. Values outside the VM's mapped
// range (a null pointer, a non-canonical value, any 64-bit number with a non-zero high half) are
// shown as they are: to the VM they are unmapped, and so they are to the simulated kernel.

/** Added to every VM address to show it as a kernel address. */
export const KERNEL_BASE = 0xffffa08000000000n;
/** Where the simulated driver's code is "loaded": the faulting IP is CODE_BASE + pc * 8. */
export const CODE_BASE = 0xfffff80612340000n;
/** Page size of the simulated machine. */
export const PAGE_SIZE = 4096;
/** The VM window below which nothing is mapped (the null page and user space, from the kernel's view). */
const VM_NULL_WINDOW_END = 1n << 24n;
const U64 = (1n << 64n) - 1n;

export function u64(v: bigint | number): bigint {
  return BigInt.asUintN(64, BigInt(v));
}

export function hex64(v: bigint | number): string {
  return '0x' + u64(v).toString(16).padStart(16, '0');
}

export function hexShort(v: bigint | number): string {
  return '0x' + u64(v).toString(16);
}

/** VM address -> displayed kernel address (values that are no VM kernel address stay as they are). */
export function toKernel(vm: bigint | number): bigint {
  const a = u64(vm);
  if (a >= VM_NULL_WINDOW_END && a < 1n << 32n) return (KERNEL_BASE + a) & U64;
  return a;
}

/** Displayed kernel address -> VM address (the inverse of toKernel). */
export function fromKernel(k: bigint | number): bigint {
  const a = u64(k);
  if (a >= KERNEL_BASE + VM_NULL_WINDOW_END && a < KERNEL_BASE + (1n << 32n)) return a - KERNEL_BASE;
  return a;
}

/** x86-64 4-level paging: bits 63..47 must all be equal. */
export function isCanonical(a: bigint | number): boolean {
  const top = u64(a) >> 47n;
  return top === 0n || top === (1n << 17n) - 1n;
}

export type AddressClass = 'null page' | 'user space' | 'non-canonical' | 'guard page' | 'unmapped kernel address' | 'mapped';

/** Displayed address text: `0xffffa08030000040`. */
export function kaddr(vm: bigint | number): string {
  return hex64(toKernel(vm));
}

/** Start of the 4 KiB page holding an address. */
export function pageOf(a: bigint): bigint {
  return a & ~BigInt(PAGE_SIZE - 1);
}
