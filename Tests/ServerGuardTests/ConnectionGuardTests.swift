import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ServerGuard

/// The guard both servers run behind, over a real socket (a small Hummingbird application, on 127.0.0.1): what an
/// attacker's idle and half-sent connections can hold, and that a client's request still gets through.
@Suite("Connection guard")
struct ConnectionGuardTests {
    /// An application with one route, behind the guard with these limits. The timeouts are lifted unless a test
    /// sets them: on a loaded machine (the whole suite in parallel) opening 90 sockets once took longer than the
    /// 30 s header timeout, which then closed every idle one and hid what the test counts.
    func app(_ limits: ConnectionLimits, timeouts: Bool = false) throws -> some ApplicationProtocol {
        var limits = limits
        if !timeouts { (limits.headerTimeout, limits.idleTimeout) = (3600, 3600) }
        let router = Router()
        router.get("/ping") { _, _ in "pong" }
        return Application(
            router: router, server: try guardedServer(limits: limits, tls: nil),
            configuration: .init(
                address: .hostname("127.0.0.1", port: 0), availableConnectionsDelegate: acceptLimit(limits)))
    }

    @Test("address groups: an IPv4 /24, an IPv6 /64, an IPv4-mapped address as its IPv4")
    func groups() {
        #expect(ConnectionLimits.group("10.1.2.3") == "10.1.2.0/24")
        #expect(ConnectionLimits.group("10.1.2.200") == ConnectionLimits.group("10.1.2.3"))
        #expect(ConnectionLimits.group("10.1.3.3") != ConnectionLimits.group("10.1.2.3"))
        #expect(ConnectionLimits.group("::ffff:10.1.2.3") == "10.1.2.0/24")
        #expect(ConnectionLimits.group("2001:db8:1:2::1") == ConnectionLimits.group("2001:db8:1:2:ffff::9"))
        #expect(ConnectionLimits.group("2001:db8:1:3::1") != ConnectionLimits.group("2001:db8:1:2::1"))
    }

    @Test(
        "one /24 holds at most its share: 127.0.2.2 and 127.0.2.3 count together, 127.0.3.2 has its own; over it, closed at once"
    )
    func perGroup() async throws {
        var limits = ConnectionLimits()
        limits.perAddress = 40
        try await app(limits).test(.live) { client in
            let port = try #require(client.port)
            let first = (0..<30).map { _ in openIdleSocket(from: "127.0.2.2", port: port) }
            let second = (0..<30).map { _ in openIdleSocket(from: "127.0.2.3", port: port) }
            let other = (0..<30).map { _ in openIdleSocket(from: "127.0.3.2", port: port) }
            defer { for fd in first + second + other where fd >= 0 { close(fd) } }
            // 60 s, not 10: under the whole suite (both cores busy for minutes) the 90 accepts took longer than 10 s
            // once (CI, 2026-12-07); the count, not the time, is what is held.
            #expect(
                try await eventually(within: 60) { (first + second).filter(isClosedByPeer).count == 20 },
                "60 from one /24 with a share of 40: 20 closed")
            #expect(!other.contains(where: isClosedByPeer), "another /24 is not held up")
            #expect(try await get("/ping", port: port) == "HTTP/1.1 200 OK")
        }
    }

    @Test(
        "at the total limit the oldest connection that sent nothing is closed for a new one; a request under way and a kept-alive one are kept; a new request is answered"
    )
    func full() async throws {
        var limits = ConnectionLimits()
        limits.perAddress = 100
        limits.maxConnections = 60
        try await app(limits).test(.live) { client in
            let port = try #require(client.port)
            // A request whose headers came and whose body is still on its way: under way, never cut.
            let uploading = openIdleSocket(from: "127.0.4.2", port: port)
            send(uploading, "POST /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nabc")
            // A kept-alive connection that had its answer.
            let kept = openIdleSocket(from: "127.0.4.3", port: port)
            send(kept, "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            try await Task.sleep(for: .milliseconds(300))
            // 58 idle sockets fill the server, in two batches a second apart (connections are spread over the event
            // loops, so the order within a batch is not the order the server counts them in); 20 more from another
            // /24 then close the 20 of the first batch.
            let oldest = (0..<20).map { _ in openIdleSocket(from: "127.0.5.2", port: port) }
            try await Task.sleep(for: .seconds(1))
            let newer = (0..<38).map { _ in openIdleSocket(from: "127.0.5.3", port: port) }
            try await Task.sleep(for: .seconds(1))
            let later = (0..<20).map { _ in openIdleSocket(from: "127.0.6.2", port: port) }
            defer { for fd in [uploading, kept] + oldest + newer + later where fd >= 0 { close(fd) } }
            #expect(
                try await eventually(within: 60) { oldest.allSatisfy(isClosedByPeer) },
                "the 20 oldest idle connections made room")
            #expect(!newer.contains(where: isClosedByPeer) && !later.contains(where: isClosedByPeer))
            #expect(!isClosedByPeer(uploading), "a request under way is never cut")
            // The kept-alive connection has an answer to read, not an end: read it, then it must still be open.
            var buffer = [UInt8](repeating: 0, count: 4096)
            #expect(recv(kept, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0)
            #expect(!isClosedByPeer(kept), "a kept-alive connection goes after every idle one that sent nothing")
            #expect(try await get("/ping", port: port) == "HTTP/1.1 200 OK")
        }
    }

    @Test(
        "a connection that sends no complete request's headers within the header timeout is closed, a half-sent one too"
    )
    func headerTimeout() async throws {
        var limits = ConnectionLimits()
        limits.headerTimeout = 1
        try await app(limits, timeouts: true).test(.live) { client in
            let port = try #require(client.port)
            let silent = openIdleSocket(from: "127.0.7.2", port: port)
            let slow = openIdleSocket(from: "127.0.7.2", port: port)
            send(slow, "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            defer { for fd in [silent, slow] where fd >= 0 { close(fd) } }
            #expect(!isClosedByPeer(silent) && !isClosedByPeer(slow))
            #expect(try await eventually(within: 60) { isClosedByPeer(silent) && isClosedByPeer(slow) })
            #expect(try await get("/ping", port: port) == "HTTP/1.1 200 OK")
        }
    }
}
