import Foundation
import RegistryCore
import RegistrySync

/// Where a server relays its region's log up (`sync-server upstream set --server URL --token TOKEN`), and how far it
/// has: kept in the server's settings, so that a restart, a crash or a backup carries it.
public struct Upstream: Sendable, Equatable {
    /// The server above, e.g. `https://city.example/`.
    public var url: String
    /// The region token the server above issued to this one.
    public var token: String
    /// The last of this server's log sequences the server above acknowledged.
    public var cursor: Int64
    /// How far down this server has pulled the server above's log, and in which of its epochs.
    public var pulled: Int64
    public var epoch: String?
    /// The key persons are masked with on their way up (`RelayMask`), or nil when the server above sees them whole.
    public var maskKey: String?
    /// The certificate authority to trust for the server above (its own), and whether a plain `http://` link to
    /// another machine is allowed (`HTTPTransport.checkScheme`).
    public var caFile: String? = nil
    public var insecureHTTP = false

    public init(
        url: String, token: String, cursor: Int64 = 0, pulled: Int64 = 0, epoch: String? = nil, maskKey: String? = nil
    ) {
        self.url = url
        self.token = token
        self.maskKey = maskKey
        self.cursor = cursor
        self.pulled = pulled
        self.epoch = epoch
    }

    /// The settings keys.
    static let keys: [CountySetting] = [
        .upstreamURL, .upstreamToken, .upstreamCursor, .upstreamPulled, .upstreamEpoch, .upstreamMaskKey,
        .upstreamCAFile, .upstreamInsecureHTTP,
    ]

    /// From stored settings, nil when not linked.
    init?(_ values: [CountySetting: String]) {
        guard let url = values[.upstreamURL], let token = values[.upstreamToken] else { return nil }
        self.init(
            url: url, token: token, cursor: values[.upstreamCursor].flatMap { Int64($0) } ?? 0,
            pulled: values[.upstreamPulled].flatMap { Int64($0) } ?? 0, epoch: values[.upstreamEpoch],
            maskKey: values[.upstreamMaskKey])
        caFile = values[.upstreamCAFile]
        insecureHTTP = values[.upstreamInsecureHTTP] == "1"
    }

    /// The settings that link to `upstream` (nil values: unlinked).
    static func linkSettings(_ upstream: Upstream?) -> [(CountySetting, String?)] {
        [
            (.upstreamURL, upstream?.url), (.upstreamToken, upstream?.token), (.upstreamMaskKey, upstream?.maskKey),
            (.upstreamCAFile, upstream?.caFile), (.upstreamInsecureHTTP, upstream?.insecureHTTP == true ? "1" : nil),
        ]
    }

    /// Whether linking to `upstream` where `oldURL` was linked starts over: a new server above holds nothing of this
    /// one yet (its cursors and the rejections go); the same one (a new token) keeps its place.
    static func startsOver(_ upstream: Upstream?, oldURL: String?) -> Bool {
        upstream == nil || upstream?.url != oldURL
    }

    /// The settings of the relay's place, cleared when it starts over.
    static let placeSettings: [CountySetting] = [.upstreamCursor, .upstreamPulled, .upstreamEpoch]

    /// One entry the server above refused, with its reason (in the language it was asked for).
    public struct Rejection: Sendable, Equatable {
        public let seq: Int64
        public let table: String
        public let pk: String
        public let reason: String
        public let at: String
    }

    /// The mask persons go up with, or nil.
    public var mask: RelayMask? {
        get throws { try maskKey.map { try RelayMask(hex: $0) } }
    }

    /// Checks what an IT officer typed: an http(s) URL with a host, and a token; the mask key's text when persons
    /// are to go up masked.
    public static func checked(
        url: String, token: String, maskKey: String? = nil, caFile: String? = nil, insecureHTTP: Bool = false
    ) throws -> Upstream {
        let url = url.trimmingCharacters(in: .whitespaces)
        let token = token.trimmingCharacters(in: .whitespaces)
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
            parsed.host != nil
        else {
            throw RegistryError(
                nil, zh: "--server 应为上级服务器的网址，例如 https://city.example/",
                en: "--server must be the upper server's URL, e.g. https://city.example/")
        }
        guard !token.isEmpty else { throw RegistryError(nil, zh: "--token 不能为空", en: "--token must not be empty") }
        if let maskKey { _ = try RelayMask(hex: maskKey) }
        try HTTPTransport.checkScheme(parsed, insecureHTTP: insecureHTTP)
        var upstream = Upstream(
            url: url, token: token, maskKey: maskKey?.trimmingCharacters(in: .whitespacesAndNewlines))
        upstream.caFile = try caFile.map(HTTPTransport.caFile)
        upstream.insecureHTTP = insecureHTTP
        return upstream
    }
}

/// Which of a server's log entries go up: those of rows inside its own region, written here or below. A row sent
/// down from above (a city's lead, a province's policy) is the upper server's already, and its log entries here carry
/// a site of that level.
enum RelayPage {
    /// The SQL condition on `scope` and `origin` (SQLite and PostgreSQL alike). Its values are written in: the
    /// region's code is 6 checked digits and the levels are this program's words, never a client's text.
    static func condition(settings: CountySettings) -> String {
        precondition(settings.county.utf8.allSatisfy { (48...57).contains($0) })
        let above = RegionLevel.allCases.filter { RelayRules.rank($0) > RelayRules.rank(settings.level) }
        // The household register and its sweeps stay with the county (addresses, heads' names and id numbers), and
        // so do who is responsible for whom (the village's own staff): the levels above see a sweep's coverage in the
        // daily reports' figures.
        return "scope LIKE '\(settings.county.prefix(settings.level.prefixLength))%'"
            + " AND tbl NOT IN ('\(Household.databaseTableName)', '\(SweepRound.databaseTableName)', '\(SweepVisit.databaseTableName)', '\(SweepOrder.databaseTableName)', '\(Responsible.databaseTableName)')"
            + above.map { " AND origin NOT LIKE '\($0.rawValue)-%'" }.joined()
    }

    /// The condition on what goes down to `region` (a region of this server's roster): rows inside it or published
    /// for the whole of a region above it (this server's, or one further up), written at a level above the region's
    /// (here, or sent down from further up). What the region relayed up itself is never sent back.
    static func downCondition(region: String) -> String {
        precondition(region.count == 6 && region.utf8.allSatisfy { (48...57).contains($0) })
        let level = RegionLevel.of(region)
        let above = RegionLevel.allCases.filter { RelayRules.rank($0) > RelayRules.rank(level) }
        guard !above.isEmpty else { return "0 = 1" }  // nothing is above a province
        let ancestors = ancestors(of: region)
        return "(scope LIKE '\(region.prefix(level.prefixLength))%'" + ancestors.map { " OR scope = '\($0)'" }.joined()
            + ")"
            + " AND (" + above.map { "origin LIKE '\($0.rawValue)-%'" }.joined(separator: " OR ") + ")"
    }

    /// The codes of the regions above `region` (its city and province, by GB/T 2260's digits).
    static func ancestors(of region: String) -> [String] {
        let level = RegionLevel.of(region)
        var codes: [String] = []
        if RelayRules.rank(level) < RelayRules.rank(.province) { codes.append(region.prefix(2) + "0000") }
        if level == .county { codes.append(region.prefix(4) + "00") }
        return codes.filter { $0 != region }
    }

    /// Keeps the leading entries of a page whose columns add up to at most `maxBytes` (always the first).
    static func cut(_ entries: [RelayWire.Entry], columnBytes: [Int], maxBytes: Int) -> [RelayWire.Entry] {
        var total = 0
        var count = 0
        for bytes in columnBytes {
            if count > 0 && total + bytes > maxBytes { break }
            total += bytes
            count += 1
        }
        return Array(entries.prefix(count))
    }
}
