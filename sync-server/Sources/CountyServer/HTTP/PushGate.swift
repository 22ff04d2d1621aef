import Foundation
import Hummingbird

/// Bounds the push bodies a server holds at once, from reading a body to answering it. A push's body is small on the
/// wire (about 300 bytes a change) but several times that once decoded and prepared for the merge, and it is held
/// until the group commit holding it is done: at 17:00, 50 villages each pushing 1,000 changes took the SQLite server
/// to 266 MB. A push beyond the budget waits, unread, before its body is read (the body stays in the connection's
/// buffers, so waiting costs no memory); one that waits longer than `maxWait` is answered busy (503, `Retry-After`),
/// as a full write queue is, and the village syncs again after it. Waiting is first come, first served.
actor PushGate {
    /// The body bytes admitted at once (`serve --push-bytes-in-flight`, default 4 MB: 13 pushes of 1,000 persons, 270
    /// of 50). Measured with 50 villages pushing 1,000 persons each at a time (`sync-bench load`, docs/PERFORMANCE.md):
    /// a waiting push holds about 1.8 KB a change, six times its bytes on the wire; the SQLite server peaked at 243 MB
    /// unbounded, 197–216 MB at 6 MB, 186–191 MB at 4 MB, in the same time within the noise (the writer still has
    /// 13,000 changes queued).
    let budget: Int
    /// How long a push may wait for room before it is answered busy.
    let maxWait: Duration

    private var held = 0
    private struct Waiter {
        let id: Int
        let bytes: Int
        let continuation: CheckedContinuation<Bool, Never>
    }
    private var waiters: [Waiter] = []
    private var nextID = 0

    init(budget: Int, maxWait: Duration = .seconds(20)) {
        self.budget = max(budget, 1)
        self.maxWait = maxWait
    }

    /// Runs `body` once `bytes` fit in the budget (a push alone larger than the budget runs when nothing else is
    /// held), and gives them back after; throws `PushRefusal.busy` when no room came within `maxWait`.
    func admitted<T: Sendable>(bytes: Int, _ body: @Sendable () async throws -> T) async throws -> T {
        guard await enter(bytes) else {
            ServerMetrics.refused("busy")
            throw PushRefusal.busy(retryAfter: 5)
        }
        do {
            let result = try await body()
            leave(bytes)
            return result
        } catch {
            leave(bytes)
            throw error
        }
    }

    /// What a request's body will hold: its declared length, or the largest allowed when it declares none (chunked).
    nonisolated static func bytes(of request: Request, atMost limit: Int) -> Int {
        request.headers[.contentLength].flatMap(Int.init).map { min(max($0, 0), limit) } ?? limit
    }

    /// The bytes admitted and the pushes waiting, for tests.
    var state: (held: Int, waiting: Int) { (held, waiters.count) }

    private func fits(_ bytes: Int) -> Bool { held == 0 || held + bytes <= budget }

    private func enter(_ bytes: Int) async -> Bool {
        if waiters.isEmpty && fits(bytes) {
            held += bytes
            ServerMetrics.gate(heldBytes: held, waiting: 0)
            return true
        }
        let id = nextID
        nextID += 1
        let wait = maxWait
        return await withCheckedContinuation { continuation in
            waiters.append(Waiter(id: id, bytes: bytes, continuation: continuation))
            ServerMetrics.gate(heldBytes: held, waiting: waiters.count)
            Task {
                try? await Task.sleep(for: wait)
                await self.giveUp(id)
            }
        }
    }

    private func giveUp(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
        admitWaiting()  // the first in line may have been the one holding smaller pushes back
        ServerMetrics.gate(heldBytes: held, waiting: waiters.count)
    }

    private func leave(_ bytes: Int) {
        held -= bytes
        admitWaiting()
        ServerMetrics.gate(heldBytes: held, waiting: waiters.count)
    }

    /// Lets in the waiting pushes that fit, in their order.
    private func admitWaiting() {
        while let first = waiters.first, fits(first.bytes) {
            waiters.removeFirst()
            held += first.bytes
            first.continuation.resume(returning: true)
        }
    }
}
