// A bpf_loop callback must return 0 or 1.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static long step(__u32 i, void *data)
{
	return 2;
}

SEC("xdp")
int loop_bad_return(struct xdp_md *xdp)
{
	bpf_loop(4, step, NULL, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
