import Dispatch

/// Where a store's group commits run: a serial dispatch queue of their own, outside Swift's cooperative pool.
///
/// Why: the pool has one thread per core, and at 17:00 it is busy decoding hundreds of pushes. The writer awaits the
/// database a dozen times per group (PostgreSQL: a round trip per statement), and each time it resumed it waited in
/// the pool's queue behind those decodes, while the one thing every push waits for, the writer, stood still: 500
/// villages pushing 50 changes at once, a group of 100 pushes spent 45 ms waiting to begin and as long again between
/// its statements (docs/PERFORMANCE.md). Here it resumes on its own thread as soon as the database answers.
final class WriterExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = WriterExecutor()

    private let queue = DispatchQueue(label: "county.writer", qos: .userInitiated)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
