import Foundation
import RegistryCore
import RegistrySync

/// The relay protocol (`POST /v1/relay/push`): a server below (a county, or a city to its province) sends its change
/// log up, in its own order. Unlike a village's push, the changes are many sites' (the villages' laptops, the county's
/// own edits), so the numbering that moves the sender's cursor is the sender's log sequence (`seq`), carried beside
/// each change's origin and origin sequence, which stay as they were written.
public enum RelayWire {
    /// One log entry of the sender: the change as it was written, where it sits in the sender's log, and the scope
    /// (village or region) its row has there.
    public struct Entry: Codable, Sendable {
        public var seq: Int64
        public var scope: String
        public var change: Change

        public init(seq: Int64, scope: String, change: Change) {
            self.seq = seq
            self.scope = scope
            self.change = change
        }

        enum CodingKeys: String, CodingKey { case seq, scope }

        // Flat on the wire: `{"seq":…, "scope":…, "table":…, "pk":…, "columns":…, "hlc":…, "origin":…, "origin_seq":…}`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seq = try container.decode(Int64.self, forKey: .seq)
            scope = try container.decode(String.self, forKey: .scope)
            change = try Change(from: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            try change.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seq, forKey: .seq)
            try container.encode(scope, forKey: .scope)
        }
    }

    /// When the county first received a daily report's revision: what on time and late are judged by at every level
    /// (a report relayed up hours later was still on time if it reached its county by the deadline).
    public struct Receipt: Codable, Sendable, Equatable {
        public var reportID: String
        public var revision: Int
        public var village: String
        public var date: String
        public var receivedAt: String

        public init(reportID: String, revision: Int, village: String, date: String, receivedAt: String) {
            self.reportID = reportID
            self.revision = revision
            self.village = village
            self.date = date
            self.receivedAt = receivedAt
        }

        enum CodingKeys: String, CodingKey {
            case reportID = "report_id"
            case revision, village, date
            case receivedAt = "received_at"
        }
    }

    /// The sender's site and epoch (a server restored from a backup numbers its log again from the backup's end, so
    /// its cursor above is kept per epoch), its entries after `after` up to `through`, and the receipts of the daily
    /// reports among them.
    public struct PushRequest: Codable, Sendable {
        public var site: String
        public var epoch: String
        public var after: Int64
        public var through: Int64
        public var entries: [Entry]
        public var receipts: [Receipt]

        public init(
            site: String, epoch: String, after: Int64, through: Int64, entries: [Entry], receipts: [Receipt] = []
        ) {
            self.site = site
            self.epoch = epoch
            self.after = after
            self.through = through
            self.entries = entries
            self.receipts = receipts
        }

        enum CodingKeys: String, CodingKey { case site, epoch, after, through, entries, receipts }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            site = try container.decode(String.self, forKey: .site)
            epoch = try container.decode(String.self, forKey: .epoch)
            after = try container.decode(Int64.self, forKey: .after)
            through = try container.decode(Int64.self, forKey: .through)
            entries = try container.decode([Entry].self, forKey: .entries)
            receipts = try container.decodeIfPresent([Receipt].self, forKey: .receipts) ?? []
        }
    }

    /// `GET /v1/relay/pull?after=N&limit=L`: what the server above publishes for the region asking (its own rows and
    /// those sent down to it from further up: risk areas, leads for the region's villages), after sequence `after` of
    /// the server above's log, each with its scope there.
    public struct PullResponse: Codable, Sendable {
        public var epoch: String
        public var entries: [Entry]
        public var next: Int64
        public var more: Bool

        public init(epoch: String, entries: [Entry], next: Int64, more: Bool) {
            self.epoch = epoch
            self.entries = entries
            self.next = next
            self.more = more
        }
    }

    /// Why a relay push's numbering does not hold together, or nil (the same rules as a village's push, on `seq`).
    static func numberingProblem(_ request: PushRequest) -> Localized? {
        guard ColumnRule.isIdentifier(request.site), ColumnRule.isIdentifier(request.epoch) else {
            return Localized(zh: "site 或 epoch 不是有效的编号", en: "site or epoch is not a valid id")
        }
        let numbers = request.entries.map(\.seq)
        if let problem = PendingPush.sequenceProblem(
            all: numbers, rising: numbers, name: "seq", after: request.after, through: request.through)
        {
            return problem
        }
        for receipt in request.receipts {
            guard ColumnRule.isIdentifier(receipt.reportID), receipt.revision >= 1, Day(receipt.date) != nil,
                StoredTime.date(receipt.receivedAt) != nil, receipt.village.count == 12
            else {
                return Localized(zh: "报告接收记录不完整或格式不对", en: "a report receipt is incomplete or malformed")
            }
        }
        return nil
    }

    /// The most entries one relay push carries (and the receiver accepts).
    public static let maxEntries = 2000
}
