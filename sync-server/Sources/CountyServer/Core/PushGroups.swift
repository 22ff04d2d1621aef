import Foundation
import RegistryCore
import RegistrySync

/// Group commit for pushes. Pushes that arrive while the single writer is busy wait here and are then applied
/// together, in one transaction, each in its own savepoint: a push refused (a gap, a wrong village) or failing rolls
/// back alone, and every push is acknowledged only after the transaction holding it has committed.
///
/// Why: at 17:00 hundreds of villages push a few dozen changes each. A transaction of its own per push writes every
/// page it dirtied to the WAL at commit, and pushed rows land at scattered places in the key indexes, so small
/// transactions write the same index pages again and again (`sync-bench apply 50`: 22–24k changes/s against 30k in
/// batches of 500, on the same rows). Measured with 100 villages pushing at once, in process: batches of 50
/// 19k -> 29k changes/s, batches of 500 26k -> 35k changes/s (`sync-bench apply 50 concurrent`).
actor PushGroups {
    /// The most changes one group commit takes, so that a push's wait stays bounded.
    static let maxChanges = 5_000

    struct Pending {
        let push: PendingPush
        let continuation: CheckedContinuation<Wire.PushResponse, any Error>
    }

    private var queue: [Pending] = []
    /// The writer queues not applying a group now: one per group in flight.
    private var idle: [WriterExecutor]
    /// How many groups may be applied at once: 1 for SQLite (one writer); 2 for PostgreSQL, whose next group reads
    /// its rows ahead (`PostgresStore.readAhead`) on a second connection while the group before it holds the log
    /// lock, so that PostgreSQL's reading of one group overlaps its writing of the other.
    let inFlight: Int
    /// The changes waiting in `queue`.
    private var queued = 0

    /// How many changes may wait for the writer before a push is answered 503 with `Retry-After` instead of queued
    /// (`SYNC_SERVER_QUEUE_LIMIT`): at 17:00 the queue would otherwise grow without bound, each push waiting longer than
    /// its client's timeout and then sent again. 50,000 changes are ten seconds of the writer in a slow hour and
    /// about 50 MB of memory.
    let limit: Int
    /// A pause before each group commit (`SYNC_SERVER_WRITER_DELAY_MS`): a deliberately slowed writer, for the
    /// back-pressure test only.
    let delay: UInt64

    init(inFlight: Int = 1, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.inFlight = environment["SYNC_SERVER_GROUPS_IN_FLIGHT"].flatMap(Int.init).map { max($0, 1) } ?? inFlight
        idle = (0..<self.inFlight).map { WriterExecutor("county.writer.\($0)") }
        limit = environment["SYNC_SERVER_QUEUE_LIMIT"].flatMap(Int.init).map { max($0, 1) } ?? 50_000
        delay = environment["SYNC_SERVER_WRITER_DELAY_MS"].flatMap(UInt64.init) ?? 0
    }

    /// Queues `push` and returns its acknowledgement once the group holding it has committed; refuses it as busy when
    /// the queue is full (a push alone larger than the limit still waits when the queue is empty).
    func submit(_ push: PendingPush, to database: some GroupCommitting) async throws -> Wire.PushResponse {
        let size = push.prepared.count
        if !queue.isEmpty && queued + size > limit {
            ServerMetrics.refused("busy")
            throw PushRefusal.busy(retryAfter: Self.retryAfter(queued: queued))
        }
        queued += size
        ServerMetrics.queueLength(queued)
        return try await withCheckedThrowingContinuation { continuation in
            queue.append(Pending(push: push, continuation: continuation))
            if let writer = idle.popLast() {
                Task(executorPreference: writer, priority: .high) { await self.drain(database, on: writer) }
            }
        }
    }

    /// Seconds to wait before trying again: the queue's drain time at a slow hour's 2,000 changes/s, 1 to 30 s (the
    /// client adds jitter, so that the refused do not return together).
    static func retryAfter(queued: Int) -> Int { min(30, max(1, queued / 2_000)) }

    private func drain(_ database: some GroupCommitting, on writer: WriterExecutor) async {
        while !queue.isEmpty {
            var count = 0
            var changes = 0
            while count < queue.count, count == 0 || changes + queue[count].push.prepared.count <= Self.maxChanges {
                changes += queue[count].push.prepared.count
                count += 1
            }
            let group = Array(queue.prefix(count))
            queue.removeFirst(count)
            queued -= changes
            ServerMetrics.queueLength(queued)
            if delay > 0 { try? await Task.sleep(nanoseconds: delay * 1_000_000) }
            // While the writer works on this group, `submit` keeps queueing the next one (the actor is free).
            do {
                let results = try await database.applyGroup(group.map(\.push))
                for (pending, result) in zip(group, results) { pending.continuation.resume(with: result) }
            } catch {
                for pending in group { pending.continuation.resume(throwing: error) }
            }
        }
        idle.append(writer)
    }
}

/// A store that applies a group of pushes in one transaction, each in its own savepoint; one result per push.
public protocol GroupCommitting: Sendable {
    func applyGroup(_ pushes: [PendingPush]) async throws -> [Result<Wire.PushResponse, any Error>]
}
