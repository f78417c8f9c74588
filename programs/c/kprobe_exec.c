// SPDX-License-Identifier: MIT
// kprobe_exec: a kprobe on do_sys_openat2(int dfd, const char __user *filename,
// struct open_how *how), the function behind open(2) and openat(2). It counts calls per process
// in a hash map and prints the arguments with bpf_printk (read them in
// /sys/kernel/tracing/trace_pipe when the probe is attached).
//
// What it teaches: tracing programs, whose context is the probed function's saved registers
// (struct pt_regs: on x86-64 the arguments are in di, si, dx, ...), bpf_get_current_pid_tgid,
// a hash map updated with a look-up-then-insert, and bpf_printk (bpf_trace_printk, whose format
// string the compiler puts in .rodata).

#define __TARGET_ARCH_x86
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);   /* thread-group id, which user space calls the pid */
	__type(value, __u64); /* calls seen */
} open_calls SEC(".maps");

SEC("kprobe/do_sys_openat2")
int kprobe_exec(struct pt_regs *ctx)
{
	int dfd = (int)PT_REGS_PARM1(ctx);
	unsigned long filename = PT_REGS_PARM2(ctx);
	unsigned long how = PT_REGS_PARM3(ctx);
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	__u64 *calls = bpf_map_lookup_elem(&open_calls, &pid);
	if (calls) {
		__sync_fetch_and_add(calls, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&open_calls, &pid, &one, BPF_ANY);
	}
	bpf_printk("openat2 dfd=%d filename=%lx how=%lx", dfd, filename, how);
	return 0;
}

char LICENSE[] SEC("license") = "GPL"; /* bpf_trace_printk is for GPL programs only */
