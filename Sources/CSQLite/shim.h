#ifndef KDELTA_CSQLITE_SHIM_H
#define KDELTA_CSQLITE_SHIM_H
#include <sqlite3.h>
// SQLITE_TRANSIENT is a macro Swift cannot import: (sqlite3_destructor_type)-1.
static inline sqlite3_destructor_type kdelta_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
