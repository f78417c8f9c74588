// A `const volatile` setting in .rodata: the kernel freezes the map and reads the constant, so
// the branch it disables is never explored (the packet read there has no bounds check and would
// be rejected).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 read_unchecked = 0;
const volatile __u32 verdict = XDP_PASS;

SEC("xdp")
int rodata_dead_branch(struct xdp_md *ctx)
{
	if (read_unchecked)
		return *(__u8 *)(long)ctx->data;
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
