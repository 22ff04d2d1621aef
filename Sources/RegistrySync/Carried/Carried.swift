import RegistryCore

/// What a carried file holds (`CarriedFile`'s payload): the same messages as the HTTP sync, so that the county
/// applies a file through the same push path and answers with the same pages.
public enum Carried {
    /// A village's push: consecutive batches of its pending changes (each as an HTTP push would send it), and where
    /// its pull stands, so that the county's answer carries the pages that follow.
    public struct Push: Codable, Sendable {
        public var batches: [Wire.PushRequest]
        /// The epoch and cursor of the village's pull when the file was made.
        public var epoch: String?
        public var pullAfter: Int64

        public init(batches: [Wire.PushRequest], epoch: String?, pullAfter: Int64) {
            self.batches = batches
            self.epoch = epoch
            self.pullAfter = pullAfter
        }

        enum CodingKeys: String, CodingKey {
            case batches, epoch
            case pullAfter = "pull_after"
        }
    }

    /// The county's answer: an acknowledgement per batch applied (or found applied before), the gap that stopped
    /// the import if one did, and the pull pages for the village.
    public struct Answer: Codable, Sendable {
        public var acks: [Ack]
        /// Where the county's copy of the village's changes ends, when a file began after it (a part missing, or a
        /// county restored from a backup): the village makes its next file from there.
        public var gap: Int64?
        public var epoch: String
        public var pages: [Page]
        /// Whether more waits at the county than one answer carries.
        public var more: Bool
        /// The county's time when it answered.
        public var serverTime: String
        /// Why the county stopped applying the file (a clock far ahead, a site of another token), if it did.
        public var refusal: Wire.ErrorBody?
        /// The county's `lead_found_hours`, as `Wire.Health` carries it.
        public var leadFoundHours: Int?

        public init(
            acks: [Ack], gap: Int64?, epoch: String, pages: [Page], more: Bool, serverTime: String,
            refusal: Wire.ErrorBody? = nil, leadFoundHours: Int? = nil
        ) {
            self.refusal = refusal
            self.leadFoundHours = leadFoundHours
            self.acks = acks
            self.gap = gap
            self.epoch = epoch
            self.pages = pages
            self.more = more
            self.serverTime = serverTime
        }

        enum CodingKeys: String, CodingKey {
            case acks, gap, epoch, pages, more, refusal
            case serverTime = "server_time"
            case leadFoundHours = "lead_found_hours"
        }
    }

    /// One batch's acknowledgement: the HTTP answer, and the changes withheld as too large (which the village marks).
    public struct Ack: Codable, Sendable {
        public var response: Wire.PushResponse
        public var withheld: [Int64]
        /// Whether the county had it already (an earlier file, or a live sync): nothing was written twice.
        public var already: Bool

        public init(response: Wire.PushResponse, withheld: [Int64], already: Bool) {
            self.response = response
            self.withheld = withheld
            self.already = already
        }
    }

    /// One pull page and the cursor it followed (the village applies it only where its own pull stands).
    public struct Page: Codable, Sendable {
        public var after: Int64
        public var changes: [Change]
        public var next: Int64

        public init(after: Int64, changes: [Change], next: Int64) {
            self.after = after
            self.changes = changes
            self.next = next
        }
    }
}
