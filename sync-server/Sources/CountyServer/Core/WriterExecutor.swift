import Dispatch

/// Where a store's group commits run: a serial dispatch queue of their own, outside Swift's cooperative pool.
///
/// Why: the pool has one thread per core, and at 17:00 it is busy decoding hundreds of pushes. The writer awaits the
/// database a dozen times per group (PostgreSQL: a round trip per statement), and each time it resumed it waited in
/// the pool's queue behind those decodes, while the one thing every push waits for, the writer, stood still: 500
/// villages pushing 50 changes at once, a group of 100 pushes spent 45 ms waiting to begin and as long again between
/// its statements (docs/PERFORMANCE.md). Here it resumes on its own thread as soon as the database answers.
///
/// Each group in flight (`PushGroups.inFlight`) has a queue of its own: on PostgreSQL the next group reads and decides
/// ahead while the one before it holds the log lock, and on one queue its deciding (milliseconds of Swift per 5,000
/// changes) held up the writing group's every resumption.
final class WriterExecutor: TaskExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    init(_ label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
