#ifndef KDELTA_CZSTD_SHIM_H
#define KDELTA_CZSTD_SHIM_H
#include <zstd.h>
// ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR are macros of expressions
// ((0ULL - 1), (0ULL - 2)) that Swift does not import.
static inline unsigned long long kdelta_zstd_contentsize_unknown(void) { return ZSTD_CONTENTSIZE_UNKNOWN; }
static inline unsigned long long kdelta_zstd_contentsize_error(void) { return ZSTD_CONTENTSIZE_ERROR; }
#endif
