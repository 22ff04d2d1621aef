import Foundation
import RegistryCore

/// What a county officer acts on for a day, beyond the merge run's figures: the persons positive or feverish, the
/// tests overdue and the measures ending, by village, and every lead by where it stands. Read from the rows the
/// villages pushed, so a village that has not reported still shows what it recorded.
public struct DashboardActions: Sendable {
    /// A person positive on the day (sampled or result that day) or with a flagged check (fever, symptoms).
    public struct Flagged: Sendable {
        public var village: String
        public var personId: String
        public var name: String
        public var idNumber: String
        /// `阳性（7月10日采样）` or `体温 38.2 ℃ 咳嗽`.
        public var what: String
        public var positive: Bool
    }

    /// A count per village (tests overdue, measures ending).
    public struct VillageCount: Sendable {
        public var village: String
        public var count: Int
    }

    /// A lead and where it stands: pending, overdue, found, absent or unreachable.
    public struct LeadLine: Sendable {
        public var id: String
        public var village: String
        public var name: String
        public var idNumber: String
        public var deadline: Day
        public var status: String
        public var outcomeOn: Day?
        /// Raised on one village's word only, open or found: an officer may confirm it (`confirmContactLead`).
        public var awaitsConfirmation = false
    }

    /// Persons a late risk area classified again in a village (信息返流), and how many of them have no test sampled
    /// since the day the village learned of it.
    public struct Reclassified: Sendable {
        public var village: String
        public var count: Int
        public var unsampled: Int
    }

    public var flagged: [Flagged]
    /// Lab positives for persons registered in no village, not yet sent to one (阳性未落地): listed first.
    public var unlanded: [LabResults.Kept] = []
    public var reclassified: [Reclassified] = []
    public var testsOverdue: [VillageCount]
    public var measuresEnding: [VillageCount]
    public var leads: [LeadLine]

    /// Lead statuses in the order an officer reads them, with their labels.
    public static let leadStatuses: [(key: String, label: String)] = [
        ("overdue", "逾期未核查"), ("pending", "待核查"), ("found", "已找到并登记"), ("absent", "不在本村"), ("unreachable", "无法联系"),
    ]

    /// The label of a lead status key.
    public static let leadLabels = Dictionary(leadStatuses.map { ($0.key, $0.label) }, uniquingKeysWith: { a, _ in a })

    /// The same with every person masked (张*伟, 420102********1232).
    public var masked: DashboardActions {
        var copy = self
        copy.flagged = flagged.map {
            var f = $0
            f.name = Mask.name(f.name)
            f.idNumber = Mask.idNumber(f.idNumber)
            return f
        }
        copy.unlanded = unlanded.map(\.masked)
        copy.leads = leads.map {
            var l = $0
            l.name = Mask.name(l.name)
            l.idNumber = Mask.idNumber(l.idNumber)
            return l
        }
        return copy
    }
}

extension CountyStore {
    /// The officer's lists for `day` (see `CountyDatabase.actions`).
    public func actions(on day: Day, village: String? = nil) async throws -> DashboardActions {
        var actions = try await reading { try $0.actions(on: day, village: village) }
        guard village == nil else { return actions }
        // Positives registered nowhere, not sent as a lead, and still not registered by any village since.
        let waiting = try await unmatchedResults().filter { $0.result == .positive && $0.leadVillage == nil }
        if !waiting.isEmpty {
            let numbers = waiting.map(\.idNumber)
            let registered = try await reading { county in
                try county.writer.read { db in
                    Set(try CountyDatabase.persons(db, numbers: numbers, mask: nil).keys)
                }
            }
            actions.unlanded = waiting.filter { !registered.contains($0.idNumber) }
        }
        return actions
    }
}
