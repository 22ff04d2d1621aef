import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import RegistryCore

/// A signed-in clerk: the token of the session cookie and the token every form must carry back (CSRF).
public struct Session: Sendable {
    let id: String
    let csrf: String
    var expires: Date
}

/// Who may use the pages, and that every form posted came from them.
/// - Without a password (bound to loopback): one session for the process; there is no login, but a page of another
///   site open in the clerk's browser can still post to 127.0.0.1, so every form carries the process's CSRF token,
///   and a request whose Host is not this computer's (DNS rebinding) is refused.
/// - With `--password`: a login page; the session cookie is HttpOnly and SameSite=Strict; each session has its own
///   CSRF token; failed logins are slowed down.
public final class SessionGuard: Sendable {
    static let cookieName = "registry_session"
    let options: WebOptions
    private let sessions = NIOLockedValueBox([String: Session]())
    /// Failed logins per client address (IPv6 by /64) in the current minute: one address guessing never locks out
    /// the clerk at another.
    private let failures = NIOLockedValueBox([String: (start: Date, count: Int)]())
    /// The session of a process without password.
    let open: Session
    /// How long a session lasts without use.
    let idle: TimeInterval = 8 * 3600

    init(options: WebOptions) {
        self.options = options
        open = Session(id: Self.token(), csrf: Self.token(), expires: .distantFuture)
    }

    /// 256 random bits, URL-safe. The system generator is the kernel's (getrandom on Linux): cryptographically
    /// secure, so the pages need no crypto library of their own.
    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
    }

    /// The session of a request, if any (renewed on use).
    func session(_ request: Request) -> Session? {
        guard options.password != nil else { return open }
        guard let id = request.cookies[Self.cookieName]?.value else { return nil }
        return sessions.withLockedValue { sessions in
            guard var session = sessions[id], session.expires > Date() else {
                sessions[id] = nil
                return nil
            }
            session.expires = Date().addingTimeInterval(idle)
            sessions[id] = session
            return session
        }
    }

    /// Checks a password: a new session when it is right; nil when wrong. Ten wrong ones a minute from one address,
    /// and that address's next attempts wait for the minute to end (`tooMany`), whatever the password; other
    /// addresses are not held up.
    enum Login {
        case signedIn(Session)
        case wrong, tooMany
    }

    func login(_ password: String, from address: String) -> Login {
        let now = Date()
        let key = PageSecurity.clientKey(address)
        let blocked = failures.withLockedValue { failures -> Bool in
            if failures.count > 10_000 { failures = failures.filter { now.timeIntervalSince($0.value.start) <= 60 } }
            if let f = failures[key], now.timeIntervalSince(f.start) > 60 { failures[key] = nil }
            return (failures[key]?.count ?? 0) >= 10
        }
        if blocked { return .tooMany }
        guard let expected = options.password, constantTimeEqual(Data(password.utf8), Data(expected.utf8)) else {
            failures.withLockedValue { $0[key, default: (now, 0)].count += 1 }
            return .wrong
        }
        let session = Session(id: Self.token(), csrf: Self.token(), expires: now.addingTimeInterval(idle))
        sessions.withLockedValue { $0[session.id] = session }
        return .signedIn(session)
    }

    func logout(_ session: Session) {
        _ = sessions.withLockedValue { $0.removeValue(forKey: session.id) }
    }

    /// Equal bytes, compared in a time that depends on the lengths only, not on where they first differ.
    private func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        let n = max(a.count, b.count)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<n {
            difference |= (i < a.count ? a[a.startIndex + i] : 0) ^ (i < b.count ? b[b.startIndex + i] : 0)
        }
        return difference == 0
    }

    /// The cookie of a session.
    func cookie(_ session: Session) -> Cookie {
        // Secure when served over TLS: the browser then never sends it over plain HTTP.
        Cookie(
            name: Self.cookieName, value: session.id, path: "/", secure: options.tls != nil, httpOnly: true,
            sameSite: .strict)
    }

    /// Whether the Host header names this server as the clerk's browser reaches it: on loopback, only the loopback
    /// names (a hostile site's name resolving to 127.0.0.1 is refused); on another address any host, since the
    /// password guards it.
    func hostIsOurs(_ request: Request) -> Bool {
        guard options.isLoopback else { return true }
        guard let host = request.head.authority else { return false }
        let name =
            host.hasPrefix("[")
            ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.split(separator: ":").first ?? "")
        return ["127.0.0.1", "localhost", "::1"].contains(name)
    }
}

/// Puts the session on the context; a request without one is sent to the login page (a form post is refused), a
/// foreign Host is refused, and a cross-site post (its Origin another site's) is refused before any handler runs.
struct SessionMiddleware: RouterMiddleware {
    let guardian: SessionGuard

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        guard guardian.hostIsOurs(request) else { throw HTTPError(.misdirectedRequest, message: "unknown host") }
        if request.method == .post, let origin = request.headers[.origin], let host = request.head.authority,
            origin != "http://\(host)" && origin != "https://\(host)"
        {
            throw HTTPError(.forbidden, message: "cross-site form")
        }
        var context = context
        context.session = guardian.session(request)
        let path = request.uri.path
        if context.session == nil && path != "/login" && path != "/style.css" {
            if request.method == .post { throw HTTPError(.forbidden, message: "not signed in") }
            return Response(status: .seeOther, headers: [.location: "/login"])
        }
        return try await next(request, context)
    }
}
