import Foundation
import RegistryCore
import RegistrySync

/// A connection as bad as a village's: the real HTTP transport to the real server, with faults decided by a
/// seeded generator. A push may be sent twice, an older batch may arrive again before it (duplicated and
/// reordered batches), an acknowledgement may be lost after the server committed, a pull may be answered with
/// an older page (a stale proxy), and the connection may drop for good after some number of requests
/// (the laptop's power or the process dies: whatever was committed stays, the rest never happened).
final class ChaosTransport: SyncTransport, @unchecked Sendable {
    struct Dropped: Error {}

    private let inner: HTTPTransport
    private let lock = NSLock()
    private var random: SeededRandom
    private var calls = 0
    private let dropAfter: Int?
    private var pushes: [Data]
    /// Server errors seen (5xx, or a 4xx other than the protocol's 409), which would be bugs.
    private(set) var serverErrors: [String] = []

    init(_ inner: HTTPTransport, seed: UInt64, earlierPushes: [Data]) {
        self.inner = inner
        random = SeededRandom(seed: seed)
        pushes = earlierPushes
        dropAfter = random.next() % 3 == 0 ? Int(random.next() % 6) : nil
    }

    var sentPushes: [Data] { lock.withLock { pushes } }

    private func chance(_ percent: UInt64) -> Bool { lock.withLock { random.next() % 100 < percent } }

    private func check(_ label: String, _ status: Int, _ body: Data, allowed: Set<Int>) {
        if !allowed.contains(status) {
            lock.withLock {
                serverErrors.append("\(label) → \(status) \(String(decoding: body.prefix(300), as: UTF8.self))")
            }
        }
    }

    func send(_ method: String, _ path: String, query: [String: String], body: Data?) async throws -> (
        status: Int, body: Data
    ) {
        let call = lock.withLock {
            calls += 1
            return calls
        }
        if let dropAfter, call > dropAfter { throw Dropped() }
        if path.hasSuffix("/push"), let body {
            if chance(15),
                let old = lock.withLock({ pushes.isEmpty ? nil : pushes[Int(random.next() % UInt64(pushes.count))] })
            {
                let replay = try await inner.send("POST", path, query: query, body: old)
                check("replayed push", replay.status, replay.body, allowed: [200, 409])
            }
            let answer = try await inner.send(method, path, query: query, body: body)
            check("push", answer.status, answer.body, allowed: [200, 409])
            lock.withLock { pushes.append(body) }
            if chance(15) {
                let again = try await inner.send(method, path, query: query, body: body)
                check("duplicated push", again.status, again.body, allowed: [200, 409])
            }
            if chance(10) { throw Dropped() }  // the server committed, the acknowledgement never arrived
            return answer
        }
        if path.hasSuffix("/pull"), let after = query["after"].flatMap(Int64.init), after > 0, chance(15) {
            var stale = query
            stale["after"] = String(lock.withLock { Int64(random.next() % UInt64(after)) })
            let answer = try await inner.send(method, path, query: stale, body: body)
            check("stale pull", answer.status, answer.body, allowed: [200])
            return answer
        }
        let answer = try await inner.send(method, path, query: query, body: body)
        check("\(method) \(path)", answer.status, answer.body, allowed: [200])
        return answer
    }
}
