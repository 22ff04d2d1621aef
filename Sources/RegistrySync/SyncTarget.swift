import Foundation
import RegistryCore

/// Where and as whom a village syncs: what is given now over what worked before. One place for the rules the
/// command line and the clerk's pages share, so that they cannot drift apart (the pages once dropped the
/// remembered CA file): the remembered server, token and CA file fill what is not given; the scheme is checked
/// before any token leaves; and what was given is remembered only once the county accepted the sync, so that a
/// mistyped address or a refused token never replaces a good one.
public struct SyncTarget: Sendable {
    public let url: URL
    let token: String
    let caFile: String?
    let insecureHTTP: Bool
    /// What was given this time (nil: taken from what was remembered), to remember once the county accepts.
    let given: (server: String?, token: String?, caFile: String?)

    /// What is missing for a first sync; each caller says it in its own words (a flag, a form field).
    public enum Missing: Error, Sendable { case server, token }

    /// - Parameters:
    ///   - caFile: a CA file named now (checked readable, made absolute).
    ///   - askToken: asked when no token is given or remembered (the command line's prompt); nil on the pages.
    /// - Throws: `Missing`, or the refusal of a bad address, an unreadable CA file or plain http to another host.
    public static func resolve(
        _ registry: Registry, server: String?, token: String?, caFile: String? = nil, insecureHTTP: Bool = false,
        askToken: (() -> String?)? = nil
    ) throws -> SyncTarget {
        let remembered = try registry.syncState()
        let caFile = try caFile.map(HTTPTransport.caFile)
        guard let address = server ?? remembered.server else { throw Missing.server }
        guard let url = URL(string: address.trimmingCharacters(in: .whitespacesAndNewlines)), let scheme = url.scheme,
            !scheme.isEmpty, url.host != nil
        else {
            throw RegistryError(
                nil, zh: "县服务器地址“\(address)”不对，应像 https://county.example:8443",
                en: "\"\(address)\" is not a server address such as https://county.example:8443"
            ).ending(.usage)
        }
        try HTTPTransport.checkScheme(url, insecureHTTP: insecureHTTP)
        var givenToken = token
        if givenToken == nil && remembered.token == nil { givenToken = askToken?() }
        guard let secret = givenToken ?? remembered.token,
            !secret.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else { throw Missing.token }
        return SyncTarget(
            url: url, token: secret, caFile: caFile ?? remembered.caFile, insecureHTTP: insecureHTTP,
            given: (server.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }, givenToken, caFile))
    }

    /// A sync of `registry` with this target, remembering what was given once the county accepts it.
    public func session(_ registry: Registry) -> SyncSession {
        var session = SyncSession(
            registry: registry,
            transport: HTTPTransport(base: url, token: token, caFile: caFile, insecureHTTP: insecureHTTP))
        let given = given
        session.onAccepted = {
            try registry.rememberSync(server: given.server, token: given.token, caFile: given.caFile)
        }
        return session
    }
}
