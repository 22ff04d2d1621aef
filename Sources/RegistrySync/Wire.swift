import RegistryCore

/// The sync protocol's messages (HTTP/1.1 + JSON, described in schema/openapi.yaml). Shared by the village
/// client and the county server so that both sides read the same field names.
public enum Wire {
    /// The header every request carries this program's version in (`RegistryVersion`).
    public static let versionHeader = "X-Registry-Version"

    /// `POST /v1/sync/push`: this site's own changes with sequence numbers after `after`, up to `through`.
    public struct PushRequest: Codable, Sendable {
        public var site: String
        public var after: Int64
        public var through: Int64
        public var changes: [Change]
        /// Own changes the site sets aside unsent, each too large for any push (a row written before the village
        /// checked lengths at write time): the county records them as not received, and the queue moves on.
        public var withheld: [Int64]

        public init(site: String, after: Int64, through: Int64, changes: [Change], withheld: [Int64] = []) {
            self.site = site
            self.after = after
            self.through = through
            self.changes = changes
            self.withheld = withheld
        }

        enum CodingKeys: String, CodingKey { case site, after, through, changes, withheld }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            site = try container.decode(String.self, forKey: .site)
            after = try container.decode(Int64.self, forKey: .after)
            through = try container.decode(Int64.self, forKey: .through)
            changes = try container.decode([Change].self, forKey: .changes)
            // Absent is none; present, it must be a list (null is not).
            withheld = container.contains(.withheld) ? try container.decode([Int64].self, forKey: .withheld) : []
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(site, forKey: .site)
            try container.encode(after, forKey: .after)
            try container.encode(through, forKey: .through)
            try container.encode(changes, forKey: .changes)
            if !withheld.isEmpty { try container.encode(withheld, forKey: .withheld) }
        }
    }

    /// The server's acknowledgement: everything up to `acked_through` is settled (applied or rejected).
    public struct PushResponse: Codable, Sendable {
        public var ackedThrough: Int64
        public var rejected: [Rejection]
        public var serverTime: String

        public init(ackedThrough: Int64, rejected: [Rejection], serverTime: String) {
            self.ackedThrough = ackedThrough
            self.rejected = rejected
            self.serverTime = serverTime
        }

        enum CodingKeys: String, CodingKey {
            case ackedThrough = "acked_through"
            case rejected
            case serverTime = "server_time"
        }
    }

    /// One change the server refused, with why (in both languages).
    public struct Rejection: Codable, Sendable, Equatable {
        public var originSeq: Int64
        public var reason: String
        public var reasonZh: String

        public init(originSeq: Int64, reason: Localized) {
            self.originSeq = originSeq
            self.reason = reason.en
            self.reasonZh = reason.zh
        }

        enum CodingKeys: String, CodingKey {
            case originSeq = "origin_seq"
            case reason
            case reasonZh = "reason_zh"
        }
    }

    /// `GET /v1/sync/pull?after=N&limit=M`: changes after server sequence `after`, in order.
    public struct PullResponse: Codable, Sendable {
        public var epoch: String
        public var changes: [Change]
        /// The cursor to ask from next time.
        public var next: Int64
        /// Whether more changes wait.
        public var more: Bool

        public init(epoch: String, changes: [Change], next: Int64, more: Bool) {
            self.epoch = epoch
            self.changes = changes
            self.next = next
            self.more = more
        }
    }

    /// An error body: a code for programs, the message for people in both languages, and for a sequence gap
    /// the number the server expects.
    public struct ErrorBody: Codable, Sendable {
        public var error: String
        public var message: String
        public var messageZh: String
        public var expected: Int64?

        public init(error: String, message: Localized, expected: Int64? = nil) {
            self.error = error
            self.message = message.en
            self.messageZh = message.zh
            self.expected = expected
        }

        enum CodingKeys: String, CodingKey {
            case error, message
            case messageZh = "message_zh"
            case expected
        }

        /// The message in `language`.
        public func text(_ language: Language) -> String { language == .zh ? messageZh : message }
    }

    /// `GET /healthz`: the server is up, its time (for the clock check) and epoch.
    public struct Health: Codable, Sendable {
        public var status: String
        public var time: String
        public var epoch: String
        /// How far ahead of the server's clock a change may be stamped, in seconds.
        public var maxSkewSeconds: Int
        /// When the request carried a valid village token: the village it belongs to, and its name on the roster, so
        /// that a laptop given another village's token stops before pushing.
        public var village: String?
        public var villageName: String?
        /// Hours the county allows from a lead's issue to its outcome back (`lead_found_hours`): the village shows
        /// what remains of it on its work list.
        public var leadFoundHours: Int?

        public init(
            status: String, time: String, epoch: String, maxSkewSeconds: Int, village: String? = nil,
            villageName: String? = nil, leadFoundHours: Int? = nil
        ) {
            self.leadFoundHours = leadFoundHours
            self.status = status
            self.time = time
            self.epoch = epoch
            self.maxSkewSeconds = maxSkewSeconds
            self.village = village
            self.villageName = villageName
        }

        enum CodingKeys: String, CodingKey {
            case status, time, epoch
            case maxSkewSeconds = "max_skew_seconds"
            case village
            case villageName = "village_name"
            case leadFoundHours = "lead_found_hours"
        }
    }

    /// The most changes one push carries.
    public static let maxBatchChanges = 2000
    /// The most bytes of column data one push carries (the server refuses bodies over 2 MB).
    public static let maxBatchBytes = 1_000_000
}
