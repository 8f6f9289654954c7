#if canImport(Glibc)
import Glibc
#endif

/// Gives the allocator's free pages back to the system (glibc `malloc_trim`), after a cut
/// has shrunk the hot tier's columns: otherwise resident memory stays at its high-water
/// mark. Looked up at run time, as `<malloc.h>` is not part of Swift's Glibc module; a C
/// library without it (musl) makes this a no-op.
enum MemoryTrim {
    private typealias TrimFunction = @convention(c) (Int) -> Int32

    private static let trim: TrimFunction? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: TrimFunction.self)
        #else
        return nil
        #endif
    }()

    /// Releases what can be released; cheap enough to call after each cut.
    static func releaseFreePages() {
        _ = trim?(0)
    }
}
