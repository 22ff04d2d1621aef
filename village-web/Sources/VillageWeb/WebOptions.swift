import Foundation

/// How the clerk's pages run.
public struct WebOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8420
    /// The password of the login page; required when `host` is not a loopback address (an office PC shared with the
    /// township), optional otherwise.
    public var password: String?

    public init(host: String = "127.0.0.1", port: Int = 8420, password: String? = nil) {
        self.host = host
        self.port = port
        self.password = password
    }

    /// Whether the pages are reachable from this computer only.
    public var isLoopback: Bool { ["127.0.0.1", "localhost", "::1"].contains(host) || host.hasPrefix("127.") }
}
