/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef HVNET_FUZZ_H
#define HVNET_FUZZ_H

/*
 * What every libFuzzer target of tests/fuzz shares.  A target feeds host
 * bytes to the drivers' own parsers, each time from a heap block of exactly
 * the bytes the driver would have, so AddressSanitizer stops a read one
 * byte past them; a parser that accepts input must also report values that
 * stay inside it, which FUZZ_CHECK asserts (abort: libFuzzer keeps the
 * input as a crash).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* A copy of exactly len bytes on the heap (a zero-length one too). */
static inline uint8_t *
fuzz_exact(const void *src, size_t len)
{
	uint8_t *p = malloc(len != 0 ? len : 1);

	if (p == NULL)
		abort();
	if (len != 0)
		memcpy(p, src, len);
	return p;
}

/* Take n bytes off the front of the input; zeros once it is used up. */
static inline void
fuzz_take(const uint8_t **data, size_t *size, void *dst, size_t n)
{
	size_t k = *size < n ? *size : n;

	memset(dst, 0, n);
	if (k != 0)
		memcpy(dst, *data, k);
	*data += k;
	*size -= k;
}

/* Each target's entry point; fuzz.c has what they share. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif /* HVNET_FUZZ_H */
