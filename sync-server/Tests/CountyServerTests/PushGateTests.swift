import Foundation
import RegistryCore
import Testing

@testable import CountyServer

/// The server holds at most a budget of push bodies at once: the rest wait, unread, in order; one that waits too long
/// is answered busy (issue 36: 50 pushes of 1,000 changes in flight took the server over 200 MB).
@Suite("Push gate")
struct PushGateTests {
    /// Waits until `gate` has `waiting` pushes in line.
    func waitFor(_ gate: PushGate, waiting: Int) async throws {
        for _ in 0..<2_000 where await gate.state.waiting != waiting { try await Task.sleep(for: .milliseconds(5)) }
        #expect(await gate.state.waiting == waiting)
    }

    @Test("a push beyond the budget waits until room is given back, and the waiting go in in their order")
    func waitsInOrder() async throws {
        // No deadline to speak of: this is about order, and a full suite on two cores once kept the waiting from being
        // resumed for longer than the 20 s a push waits by default.
        let gate = PushGate(budget: 100, maxWait: .seconds(600))
        let release = AsyncStream<Void>.makeStream()
        let order = Order()
        let first = Task {
            try await gate.admitted(bytes: 60) {
                await order.note("first")
                for await _ in release.stream { break }
            }
        }
        for _ in 0..<2_000 where await gate.state.held != 60 { try await Task.sleep(for: .milliseconds(5)) }
        let second = Task { try await gate.admitted(bytes: 60) { await order.note("second") } }
        try await waitFor(gate, waiting: 1)
        // Small enough to fit beside the first, but it does not pass the one waiting before it.
        let third = Task { try await gate.admitted(bytes: 10) { await order.note("third") } }
        try await waitFor(gate, waiting: 2)
        #expect(await order.names == ["first"])
        release.continuation.yield()
        try await first.value
        try await second.value
        try await third.value
        #expect(await order.names == ["first", "second", "third"])
        #expect(await gate.state == (0, 0))
    }

    @Test("a push alone larger than the budget goes in when nothing else is held; a failing push gives its room back")
    func largeAndFailing() async throws {
        let gate = PushGate(budget: 100)
        #expect(try await gate.admitted(bytes: 500) { 7 } == 7)
        struct Broken: Error {}
        await #expect(throws: Broken.self) { try await gate.admitted(bytes: 80) { throw Broken() } }
        #expect(await gate.state == (0, 0))
    }

    @Test("a push that waits longer than allowed is refused as busy, with a time to come back, and holds nothing")
    func busyAfterWaiting() async throws {
        let gate = PushGate(budget: 100, maxWait: .milliseconds(200))
        let release = AsyncStream<Void>.makeStream()
        let holder = Task { try await gate.admitted(bytes: 100) { for await _ in release.stream { break } } }
        for _ in 0..<2_000 where await gate.state.held != 100 { try await Task.sleep(for: .milliseconds(5)) }
        do {
            try await gate.admitted(bytes: 50) {}
            Issue.record("admitted while the budget was full")
        } catch PushRefusal.busy(let seconds) {
            #expect(seconds > 0)
        }
        #expect(await gate.state == (100, 0))
        release.continuation.yield()
        try await holder.value
        #expect(await gate.state == (0, 0))
    }
}

/// The order in which admitted pushes ran.
actor Order {
    var names: [String] = []
    func note(_ name: String) { names.append(name) }
}
