#if canImport(Glibc)
import Glibc
#endif

/// A dedicated OS thread for a long-running part of the engine (the fsync flusher). The
/// engine's threads do blocking I/O, which must not run on Swift's cooperative pool.
public final class BackgroundThread: @unchecked Sendable {
    private var thread: pthread_t?
    private let name: String

    /// Starts `body` on a new thread named `name` (at most 15 characters show in `top`).
    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        self.name = name
        final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var tid = pthread_t()
        let r = pthread_create(&tid, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(r == 0, "pthread_create for \(name) failed: \(r)")
        thread = tid
    }

    /// Waits for the thread to end. Call once, after telling it to stop.
    public func join() {
        guard let t = thread else { return }
        pthread_join(t, nil)
        thread = nil
    }
}
