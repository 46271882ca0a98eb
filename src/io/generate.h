/* generate: realistic synthetic datasets (interchange format) for tests,
 * demos and benchmarks. */
#ifndef HOSO_GENERATE_H
#define HOSO_GENERATE_H

#include <stdint.h>

#include "core/core.h"

struct generate_opts {
	const char *scale; /* "tiny", "seed", "national" (workload.md) */
	uint64_t seed;     /* same seed, same bytes */
	const char *out_dir;
	int quiet; /* no progress on stderr */
};

/* Writes orgs.csv, members.csv and placements.csv into o->out_dir (created
 * if missing, parents too). The dataset follows every rule of
 * spec/interchange.md and the shapes of spec/workload.md: history from
 * 2010-01-01 to 2025-12-31 with renames, moves, merges and dissolutions,
 * and the 2025 reorganisation (blocs end on 1 February, district
 * committees and 29 provinces on 1 July). Deterministic for a given scale
 * and seed. Returns 0, or -1 with err set (HOSO_EUSAGE for an unknown
 * scale, HOSO_EIO for a file error). */
int generate_dataset(const struct generate_opts *o, struct hoso_error *err);

#endif
