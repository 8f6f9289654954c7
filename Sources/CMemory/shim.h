#ifndef KDELTA_CMEMORY_SHIM_H
#define KDELTA_CMEMORY_SHIM_H
// Compiler builtins Swift does not expose, header only (nothing to link).

// The prefetch hint: a point read asks for the cache lines of a block it is about to
// decode while it still works out which bytes it needs, so that memory misses overlap
// instead of following each other. A hint only: it never faults and changes no result.
static inline void kdelta_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

// A one-byte flag shared between threads without a lock: set once (release), read by
// any reader (acquire). A block file keeps one per chunk, set once the chunk's checksum
// matched, so that readers of a checked chunk take no lock.
static inline int kdelta_flag_is_set(const unsigned char *flag) {
    return __atomic_load_n(flag, __ATOMIC_ACQUIRE) != 0;
}

static inline void kdelta_flag_set(unsigned char *flag) {
    __atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}
#endif
