import Foundation
import ServerGuard

/// How the clerk's pages run.
public struct WebOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8420
    /// The password of the login page; required when `host` is not a loopback address (an office PC shared with the
    /// township), optional otherwise.
    public var password: String?
    /// The certificate chain and private key (PEM files) to serve HTTPS with: on a township's LAN the password and the
    /// session cookie would otherwise cross the network in clear.
    public var tls: (certificate: String, key: String)?
    /// The county's connection guard, sized for one office: a few browsers, never thousands of connections.
    public var connections: ConnectionLimits = {
        var limits = ConnectionLimits()
        limits.perAddress = 64
        limits.maxConnections = 512
        return limits
    }()

    public init(host: String = "127.0.0.1", port: Int = 8420, password: String? = nil) {
        self.host = host
        self.port = port
        self.password = password
    }

    /// Whether the pages are reachable from this computer only.
    public var isLoopback: Bool { ["127.0.0.1", "localhost", "::1"].contains(host) || host.hasPrefix("127.") }
}
