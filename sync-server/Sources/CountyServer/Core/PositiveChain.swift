import Foundation
import RegistryCore

/// A positive and everyone around them, by village: what an officer checks so that nobody is missed (不漏一人).
public struct PositiveChain: Encodable, Sendable {
    /// One person around the positive and where they stand.
    public struct ContactLine: Encodable, Sendable {
        public var name: String?
        public var id_number: String
        /// household, companion, colleague or other.
        public var relation: String
        /// The villages where they are registered; empty when nowhere yet.
        public var villages: [String]
        /// Where they stand: `not_registered`, `registered`, `under_measure`, `tested_today`, `lead_pending`,
        /// `lead_closed`, in that order of what is known.
        public var status: [String]
    }

    public var village: String
    public var village_name: String
    public var name: String
    public var id_number: String
    public var sampled_on: String
    public var contacts: [ContactLine]
}

extension PositiveChain.ContactLine {
    static let statusChinese = [
        "not_registered": "未登记", "registered": "已登记", "under_measure": "管控中", "tested_today": "今日已采样",
        "lead_pending": "核查中", "lead_closed": "已核查",
    ]

    /// Nothing in place yet: no measure on them and no lead out for them (⚠ 未落实).
    public var isMissed: Bool { !status.contains("under_measure") && !status.contains("lead_pending") }
    /// The status in Chinese: `已登记，管控中，今日已采样`.
    public var statusText: String { status.map { Self.statusChinese[$0] ?? $0 }.joined(separator: "，") }
    /// The relation in Chinese: 同住, 同行 …
    public var relationText: String { ContactRelation(rawValue: relation)?.chinese ?? relation }
}

/// Someone around a positive, as the county's rows name them.
struct Around {
    var idNumber: String
    var name: String?
    var phone: String?
    var relation: ContactRelation
    /// The link the county follows (nil for a household member, who shares `person.household`).
    var contactID: String?
    var lastContact: Day?
}
