// SPDX-License-Identifier: MIT
// loop_stats: sums the first `bytes_to_sum` bytes of every packet (a configuration constant in
// .rodata, which user space may change before loading) with bpf_loop, and keeps the number of
// packets seen and the last sum in global variables (.bss). Packets whose sum is odd are
// dropped when `drop_odd` is set. Packets shorter than the bytes asked for are summed as far
// as they go.
//
// What it teaches: global data (const volatile variables become a frozen read-only map whose
// values the verifier knows, others a writable array map), bpf_loop (helper 181: the kernel
// calls a callback up to N times, so the verifier checks the callback once instead of every
// iteration), callbacks with a context on the caller's stack, and bpf_xdp_load_bytes.

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 bytes_to_sum = 16;
const volatile __u8 drop_odd = 1;

__u64 packets_seen;
__u32 last_sum;

struct sum_ctx {
	struct xdp_md *xdp;
	__u32 sum;
};

static long add_byte(__u32 index, void *data)
{
	struct sum_ctx *c = data;
	__u8 byte;
	if (bpf_xdp_load_bytes(c->xdp, index, &byte, 1) != 0)
		return 1; /* past the end of the packet: stop the loop */
	c->sum += byte;
	return 0;
}

SEC("xdp")
int loop_stats(struct xdp_md *ctx)
{
	struct sum_ctx c = { .xdp = ctx, .sum = 0 };
	bpf_loop(bytes_to_sum, add_byte, &c, 0);
	packets_seen += 1;
	last_sum = c.sum;
	if (drop_odd && (c.sum & 1))
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
