/// How a new WAL segment gets its disk space (docs/format/wal.md, "Files").
enum WALSegmentSpace: Sendable, Equatable {
    /// All of it at creation (`posix_fallocate`), or no segment: a rotation. Its old
    /// segment stays until a checkpoint covers it, so a disk without room for a whole new
    /// segment refuses the write, and what room is left stays free for the `compact` (a
    /// block, a catalog, a manifest) that frees the WAL.
    case full
    /// All of it when the disk has room, else only the header, the rest to be reserved
    /// once space is freed (`WALWriter.preallocateIfShort`): a segment started because a
    /// checkpoint covers every record of the current one, which it replaces and which is
    /// removed right after, so the disk gets its room back.
    case fullWhenRoom
}
