/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Fuzz the bench control protocol of lib/bench/proto.c: every decoder, the hello, and the
 * frame reader on a socketpair. Besides crashes, leaks and UB, a message that decodes but does
 * not survive encode -> decode unchanged is a finding (the two directions disagree).
 *
 * Input: byte 0 picks what the rest is (value % 8):
 *   0 PARAMS payload, 1 PARAMS_OK payload, 2 ERR payload, 3 START payload, 4 ABORT payload,
 *   5 RESULTS payload, 6 a 16-byte hello (shorter: zero-padded),
 *   7 a byte stream on a control connection: frames read with vxoff__bench_read_frame()
 *     until it fails, each payload handed to the decoder of its type.
 *
 * The seed corpus (corpus/bench_proto/) is written by the encoders themselves: build this
 * file with -DFUZZ_BENCH_PROTO_SEEDS and a main of its own (see seed_main() at the end):
 *   cc -D_GNU_SOURCE -DFUZZ_BENCH_PROTO_SEEDS -Ilib -Iinclude -Ibuild/include \
 *      tests/fuzz/fuzz_bench_proto.c lib/bench/proto.c lib/netlink/cpulist.c \
 *      lib/netlink/strbuf.c -lmnl -lm -o /tmp/seeds && /tmp/seeds tests/fuzz/corpus/bench_proto
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/bench_internal.h"

#include "fuzz.h"

static void fig_free(struct vxoff__end_fig *f)
{
	free(f->streams);
	free(f->intervals);
	free(f->cpu.ids);
	free(f->cpu.delta);
	memset(f, 0, sizeof(*f));
}

static bool fig_equal(const struct vxoff__end_fig *a, const struct vxoff__end_fig *b)
{
	size_t niv = (size_t)a->nstreams * a->nintervals;

	if (a->nstreams != b->nstreams || a->nintervals != b->nintervals ||
	    a->cpu.ncpus != b->cpu.ncpus || a->cpu.hz != b->cpu.hz ||
	    a->cpu.proc_user_us != b->cpu.proc_user_us ||
	    a->cpu.proc_system_us != b->cpu.proc_system_us ||
	    a->cpu.window_ns != b->cpu.window_ns || strcmp(a->congestion, b->congestion) ||
	    strcmp(a->kernel, b->kernel))
		return false;
	if (a->nstreams && memcmp(a->streams, b->streams, a->nstreams * sizeof(*a->streams)))
		return false;
	if (niv && memcmp(a->intervals, b->intervals, niv * sizeof(*a->intervals)))
		return false;
	if (a->cpu.ncpus && (memcmp(a->cpu.ids, b->cpu.ids, a->cpu.ncpus * sizeof(uint32_t)) ||
			     memcmp(a->cpu.delta, b->cpu.delta,
				    a->cpu.ncpus * sizeof(*a->cpu.delta))))
		return false;
	return true;
}

/* The payload of a frame built by an encoder. */
static const uint8_t *payload_of(const uint8_t *frame, size_t len, size_t *plen)
{
	if (len < VXOFF__BENCH_FRAME_HDR)
		fuzz_fail("encoder made a frame of %zu bytes", len);
	*plen = len - VXOFF__BENCH_FRAME_HDR;
	return frame + VXOFF__BENCH_FRAME_HDR;
}

static void check_errbuf(int r, const char *err)
{
	if (r < 0 && r != -ENOMEM && err[0] == '\0')
		fuzz_fail("refused (%d) without saying why", r);
	if (r < 0 && r != -EPROTO && r != -EINVAL && r != -ENOMEM)
		fuzz_fail("decoder returned %d", r);
}

static void decode_one(uint16_t type, const uint8_t *p, size_t len)
{
	char err[256] = "";
	uint8_t *frame;
	const uint8_t *pl;
	size_t flen, plen;
	int r;

	switch (type) {
	case VXOFF__BENCH_MSG_PARAMS: {
		struct vxoff__bench_params a, b;

		r = vxoff__bench_decode_params(p, len, &a, err, sizeof(err));
		check_errbuf(r, err);
		if (r < 0)
			break;
		if (vxoff__bench_params_check(&a, err, sizeof(err)) != 0)
			fuzz_fail("decoded PARAMS fail the range check: %s", err);
		frame = vxoff__bench_encode_params(&a, &flen);
		if (!frame)
			break;
		pl = payload_of(frame, flen, &plen);
		r = vxoff__bench_decode_params(pl, plen, &b, err, sizeof(err));
		if (r != 0 || memcmp(&a, &b, sizeof(a)))
			fuzz_fail("PARAMS do not survive a round trip (%d: %s)", r, err);
		free(frame);
		break;
	}
	case VXOFF__BENCH_MSG_PARAMS_OK: {
		struct vxoff__bench_accept a, b;

		r = vxoff__bench_decode_accept(p, len, &a, err, sizeof(err));
		check_errbuf(r, err);
		if (r < 0)
			break;
		frame = vxoff__bench_encode_accept(&a, &flen);
		if (!frame)
			break;
		pl = payload_of(frame, flen, &plen);
		r = vxoff__bench_decode_accept(pl, plen, &b, err, sizeof(err));
		if (r != 0 || memcmp(&a, &b, sizeof(a)))
			fuzz_fail("PARAMS_OK does not survive a round trip (%d: %s)", r, err);
		free(frame);
		break;
	}
	case VXOFF__BENCH_MSG_ERR: {
		struct vxoff__bench_error a, b;

		r = vxoff__bench_decode_error(p, len, &a, err, sizeof(err));
		check_errbuf(r, err);
		if (r < 0)
			break;
		if (!memchr(a.text, '\0', sizeof(a.text)))
			fuzz_fail("ERR text not terminated");
		frame = vxoff__bench_encode_error(&a, &flen);
		if (!frame)
			break;
		pl = payload_of(frame, flen, &plen);
		r = vxoff__bench_decode_error(pl, plen, &b, err, sizeof(err));
		if (r != 0 || memcmp(&a, &b, sizeof(a)))
			fuzz_fail("ERR does not survive a round trip (%d: %s)", r, err);
		free(frame);
		break;
	}
	case VXOFF__BENCH_MSG_START: {
		uint64_t a, b;

		r = vxoff__bench_decode_start(p, len, &a, err, sizeof(err));
		check_errbuf(r, err);
		if (r < 0)
			break;
		frame = vxoff__bench_encode_start(a, &flen);
		if (!frame)
			break;
		pl = payload_of(frame, flen, &plen);
		if (vxoff__bench_decode_start(pl, plen, &b, err, sizeof(err)) != 0 || a != b)
			fuzz_fail("START does not survive a round trip");
		free(frame);
		break;
	}
	case VXOFF__BENCH_MSG_ABORT: {
		char a[256], b[256], small[8];

		r = vxoff__bench_decode_abort(p, len, a, sizeof(a), err, sizeof(err));
		check_errbuf(r, err);
		if (r < 0)
			break;
		/* a small buffer is never overrun (ASan) and stays terminated */
		if (vxoff__bench_decode_abort(p, len, small, sizeof(small), err, sizeof(err)) != 0 ||
		    !memchr(small, '\0', sizeof(small)))
			fuzz_fail("ABORT into a small buffer");
		frame = vxoff__bench_encode_abort(a, &flen);
		if (!frame)
			break;
		pl = payload_of(frame, flen, &plen);
		if (vxoff__bench_decode_abort(pl, plen, b, sizeof(b), err, sizeof(err)) != 0 ||
		    strcmp(a, b))
			fuzz_fail("ABORT does not survive a round trip");
		free(frame);
		break;
	}
	case VXOFF__BENCH_MSG_RESULTS: {
		struct vxoff__end_fig a, b;

		r = vxoff__bench_decode_results(p, len, &a, err, sizeof(err));
		check_errbuf(r, err);
		if (r < 0) {
			if (a.streams || a.intervals || a.cpu.ids || a.cpu.delta)
				fuzz_fail("RESULTS left memory allocated after %d", r);
			break;
		}
		frame = vxoff__bench_encode_results(&a, &flen);
		if (frame) { /* NULL: optional attributes made it bigger than the cap */
			pl = payload_of(frame, flen, &plen);
			r = vxoff__bench_decode_results(pl, plen, &b, err, sizeof(err));
			if (r != 0 || !fig_equal(&a, &b))
				fuzz_fail("RESULTS do not survive a round trip (%d: %s)", r, err);
			fig_free(&b);
			free(frame);
		}
		fig_free(&a);
		break;
	}
	default:
		break;
	}
}

static void read_frames(const uint8_t *data, size_t len)
{
	int sv[2];
	uint16_t type;
	uint8_t *payload;
	size_t plen;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return;
	/* what fits the socket's buffer; the writer's end closed: EOF after it */
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	while (len > 0) {
		ssize_t n = write(sv[0], data, len);

		if (n <= 0)
			break;
		data += n;
		len -= (size_t)n;
	}
	close(sv[0]);
	for (;;) {
		int r = vxoff__bench_read_frame(sv[1], vxoff__mono_ns() + 1000000000ull, -1, &type,
						&payload, &plen);

		if (r < 0) {
			if (r != -EPROTO && r != -ECONNRESET && r != -ENOMEM)
				fuzz_fail("read_frame returned %d on a closed stream", r);
			if (payload)
				fuzz_fail("read_frame failed and left a payload");
			break;
		}
		if (type < 1 || type > VXOFF__BENCH_MSG_MAX)
			fuzz_fail("read_frame passed type %u", type);
		if (plen > (type == VXOFF__BENCH_MSG_RESULTS ? VXOFF__BENCH_MAX_RESULTS
							     : VXOFF__BENCH_MAX_PARAMS))
			fuzz_fail("read_frame passed %zu bytes of type %u", plen, type);
		if (type == VXOFF__BENCH_MSG_DONE && plen)
			fuzz_fail("DONE with a payload");
		decode_one(type, payload, plen);
		free(payload);
	}
	close(sv[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t types[] = { VXOFF__BENCH_MSG_PARAMS, VXOFF__BENCH_MSG_PARAMS_OK,
					  VXOFF__BENCH_MSG_ERR,	   VXOFF__BENCH_MSG_START,
					  VXOFF__BENCH_MSG_ABORT,  VXOFF__BENCH_MSG_RESULTS };
	uint8_t hello[VXOFF__BENCH_HELLO_LEN] = { 0 };
	uint8_t mode;

	if (size < 1)
		return 0;
	mode = data[0] % 8;
	data++;
	size--;
	if (mode < 6) {
		/* an exact-size copy, so reads past the end are caught */
		uint8_t *p = malloc(size ? size : 1);

		if (!p)
			return 0;
		memcpy(p, data, size);
		decode_one(types[mode], p, size);
		free(p);
	} else if (mode == 6) {
		uint16_t major = 0, minor = 0;
		uint32_t max_frame = 0;
		int r;

		memcpy(hello, data, size < sizeof(hello) ? size : sizeof(hello));
		r = vxoff__bench_hello_decode(hello, &major, &minor, &max_frame);
		if (r == 0 && major != VXOFF__BENCH_MAJOR)
			fuzz_fail("hello of major %u accepted", major);
		if (r != 0 && r != -EPROTO && r != -EPROTONOSUPPORT)
			fuzz_fail("hello_decode returned %d", r);
		fuzz_sink(minor + max_frame);
	} else {
		read_frames(data, size);
	}
	return 0;
}

#ifdef FUZZ_BENCH_PROTO_SEEDS
/* ---- the seed corpus, written by the encoders ---- */

static void write_seed(const char *dir, const char *name, uint8_t mode, const uint8_t *p,
		       size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(&mode, 1, 1, f) != 1 || (len && fwrite(p, 1, len, f) != len)) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

/* A frame as a decoder seed (payload only) and collected into a stream seed. */
static void seed_frame(const char *dir, const char *name, uint8_t mode, uint8_t *frame,
		       const size_t *lenp, uint8_t *stream, size_t *slen)
{
	size_t len = *lenp; /* read after the encoder in the argument list has run */

	if (!frame) {
		fprintf(stderr, "%s: encoder failed\n", name);
		exit(1);
	}
	if (mode < 6)
		write_seed(dir, name, mode, frame + VXOFF__BENCH_FRAME_HDR,
			   len - VXOFF__BENCH_FRAME_HDR);
	memcpy(stream + *slen, frame, len);
	*slen += len;
	free(frame);
}

static void fill(struct vxoff__end_fig *f, uint32_t ns, uint32_t ni, uint32_t nc)
{
	memset(f, 0, sizeof(*f));
	f->nstreams = ns;
	f->nintervals = ni;
	f->streams = calloc(ns + 1, sizeof(*f->streams));
	f->intervals = calloc((size_t)ns * ni + 1, sizeof(*f->intervals));
	f->cpu.ncpus = nc;
	f->cpu.hz = 100;
	f->cpu.ids = calloc(nc + 1, sizeof(*f->cpu.ids));
	f->cpu.delta = calloc(nc + 1, sizeof(*f->cpu.delta));
	f->cpu.window_ns = 2000000000ull;
	f->cpu.proc_user_us = 12345;
	strcpy(f->congestion, "cubic");
	strcpy(f->kernel, "6.8.0");
	for (uint32_t i = 0; i < ns; i++) {
		f->streams[i].id = i;
		f->streams[i].cpu = (int32_t)i - 1;
		f->streams[i].bytes_sent = f->streams[i].total_sent = 1000000ull * (i + 1);
		f->streams[i].bytes_received = f->streams[i].total_received = 999999ull * (i + 1);
		f->streams[i].tcp_info_valid = 1;
		f->streams[i].rtt_us = 42;
		f->streams[i].udp_jitter_ms = 0.5;
	}
	for (uint32_t i = 0; i < ns * ni; i++) {
		f->intervals[i].start_ns = (i % ni) * 1000000000ull;
		f->intervals[i].end_ns = f->intervals[i].start_ns + 1000000000ull;
		f->intervals[i].bytes = 500000;
		f->intervals[i].busy_cpus = 1.25;
	}
	for (uint32_t i = 0; i < nc; i++) {
		f->cpu.ids[i] = i;
		f->cpu.delta[i] = (struct vxoff__cpu_ticks){ 10, 0, 20, 170, 0, 1, 30, 0 };
	}
}

int main(int argc, char **argv)
{
	struct vxoff__bench_params p = { .flags = VXOFF_BENCH_F_REVERSE, .streams = 2,
					 .duration_ms = 2000, .omit_ms = 500,
					 .interval_ms = 1000, .len = 131072 };
	struct vxoff__bench_accept a = { 0 };
	struct vxoff__bench_error e = { .code = VXOFF__BENCH_ERR_BUSY, .retry_after_ms = 1500 };
	static uint8_t stream[1 << 16];
	uint8_t hello[VXOFF__BENCH_HELLO_LEN];
	struct vxoff__end_fig f;
	size_t slen = 0, len;
	const char *dir;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	strcpy(p.congestion, "cubic");
	strcpy(p.server_cpus, "0-1");
	seed_frame(dir, "params", 0, vxoff__bench_encode_params(&p, &len), &len, stream, &slen);
	a.params = p;
	memset(a.cookie, 0x5c, sizeof(a.cookie));
	a.data_port = 5302;
	a.server_ncpus = 2;
	strcpy(a.server_congestion, "cubic");
	seed_frame(dir, "params-ok", 1, vxoff__bench_encode_accept(&a, &len), &len, stream, &slen);
	seed_frame(dir, "start", 3, vxoff__bench_encode_start(123456789, &len), &len, stream,
		   &slen);
	fill(&f, 2, 3, 2);
	seed_frame(dir, "results", 5, vxoff__bench_encode_results(&f, &len), &len, stream, &slen);
	fig_free(&f);
	seed_frame(dir, "done", 7, vxoff__bench_encode_done(&len), &len, stream, &slen);
	write_seed(dir, "stream-test", 7, stream, slen);

	slen = 0;
	strcpy(e.text, "busy: another test runs");
	seed_frame(dir, "err", 2, vxoff__bench_encode_error(&e, &len), &len, stream, &slen);
	seed_frame(dir, "abort", 4, vxoff__bench_encode_abort("stopped", &len), &len, stream,
		   &slen);
	write_seed(dir, "stream-err-abort", 7, stream, slen);

	fill(&f, 0, 0, 0);
	seed_frame(dir, "results-empty", 5, vxoff__bench_encode_results(&f, &len), &len, stream,
		   &slen);
	fig_free(&f);

	vxoff__bench_hello_encode(hello, VXOFF__BENCH_MAX_RESULTS);
	write_seed(dir, "hello", 6, hello, sizeof(hello));
	return 0;
}
#endif
