// The same setting turned on: the unchecked packet read is now reached and rejected.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 read_unchecked = 1;

SEC("xdp")
int rodata_live_branch(struct xdp_md *ctx)
{
	if (read_unchecked)
		return *(__u8 *)(long)ctx->data;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
