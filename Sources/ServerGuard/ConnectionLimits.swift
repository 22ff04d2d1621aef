import Foundation
import RegistryCore

/// What one server lets its connections hold: the county's server and the clerk's pages both run behind these.
public struct ConnectionLimits: Sendable {
    /// How long a new connection may take to send a request's headers.
    public var headerTimeout: TimeInterval = 30
    /// How long a kept-alive connection may sit idle between requests.
    public var idleTimeout: TimeInterval = 60
    /// How many connections one address group (an IPv4 /24, an IPv6 /64) may hold at once. Groups, not addresses: one
    /// sender has a whole /64 of IPv6 addresses, and a rented /24 is cheap. A township's NAT carrying a few dozen
    /// villages, or a carrier's NAT carrying a village's phones on the declaration form, stays far below 256.
    public var perAddress = 256
    /// How many connections the server holds at once, below the process's file limit. At the limit a new connection
    /// closes the oldest one that has sent no complete request (then the oldest idle kept-alive one): idle sockets
    /// cannot fill the server, and a request already under way is never cut.
    public var maxConnections = 4096

    public init() {}

    /// The group an address is counted in: an IPv4 address by its /24 (an IPv4-mapped IPv6 address as its IPv4), an
    /// IPv6 address by its /64.
    public static func group(_ address: String) -> String {
        let key = PageSecurity.clientKey(address)
        guard !key.contains(":") else { return key }
        let octets = key.split(separator: ".")
        guard octets.count == 4 else { return key }
        return octets.prefix(3).joined(separator: ".") + ".0/24"
    }
}
