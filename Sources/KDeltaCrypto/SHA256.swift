import CCrypto

/// SHA-256 through OpenSSL's libcrypto.
///
/// Uses the low-level `SHA256_Init`/`SHA256_Update`/`SHA256_Final` functions rather than
/// EVP: on a SHA-NI machine they hash a 97-byte version encoding in ~140 ns against
/// ~250 ns for a reused EVP context, and the version hash is on the write path
/// (Sources/CCrypto/shim.h). Each call is independent and thread-safe.
public enum SHA256 {
    /// The digest of `bytes` as four big-endian 64-bit words (bytes 0-7 are `words.0`).
    ///
    /// The corresponding C functions are `SHA256_Init`, `SHA256_Update` and `SHA256_Final`.
    @inlinable
    public static func digest(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var context = SHA256_CTX()
        var out = SHA256Digest(w0: 0, w1: 0, w2: 0, w3: 0)
        let ok = SHA256_Init(&context) == 1
            && SHA256_Update(&context, bytes.baseAddress, bytes.count) == 1
        precondition(ok, "OpenSSL SHA256_Init/Update failed: libcrypto is broken")
        withUnsafeMutableBytes(of: &out) { raw in
            let done = SHA256_Final(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
            precondition(done == 1, "OpenSSL SHA256_Final failed: libcrypto is broken")
        }
        // SHA256_Final wrote bytes in order; the words are read big-endian.
        return SHA256Digest(
            w0: UInt64(bigEndian: out.w0), w1: UInt64(bigEndian: out.w1),
            w2: UInt64(bigEndian: out.w2), w3: UInt64(bigEndian: out.w3))
    }

    /// The digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> SHA256Digest {
        bytes.withUnsafeBytes { digest($0) }
    }
}

/// A SHA-256 digest as four big-endian words: `w0` holds bytes 0-7.
public struct SHA256Digest: Hashable, Sendable {
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// Creates a digest from its words.
    @inlinable
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }
}
