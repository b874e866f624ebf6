/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/* What every fuzz target links: log types and quiet logs. */

#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_log.h>

#include "fuzz.h"

/* The netvsc parsers log through the PMD's types, which hn_ethdev.c owns. */
RTE_LOG_REGISTER(hn_logtype_init, fuzz.netvsc.init, EMERG);
RTE_LOG_REGISTER(hn_logtype_driver, fuzz.netvsc.driver, EMERG);

/*
 * One log line per rejected input would dominate the run: the drivers'
 * lines are kept for reproducing a crash (FUZZ_LOG=1).
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *v = getenv("FUZZ_LOG");

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	if (v == NULL || strcmp(v, "1") != 0)
		rte_log_set_global_level(RTE_LOG_EMERG);
	return 0;
}
