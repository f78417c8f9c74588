// errno values helpers return negated, as the kernel's (include/uapi/asm-generic/errno-base.h;
// ENOTSUPP is the kernel-internal 524).

export const ENOENT = 2;
export const E2BIG = 7;
export const EFAULT = 14;
export const EBUSY = 16;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ERANGE = 34;
export const ENOTSUPP = 524;
