import Foundation
import RegistryCore

/// 无疫村（社区）status from the data (issue 40): the criteria of an era are data (`schema/county/disease-free-*.json`),
/// evaluated per village per day at the county from what it holds; the township's review and the county's record
/// are actions with who and when, and a village that stops meeting the criteria (a positive) loses the status at
/// once, whatever was recorded.
public enum DiseaseFree {
    /// One era's criteria.
    public struct Criteria: Decodable, Sendable {
        public var era: String
        public var name: String
        public var source: String
        public var in_force_from: String
        public var window_days: Int
        public var criteria: [Criterion]

        public struct Criterion: Decodable, Sendable {
            public var id: String
            public var label: String
        }

        /// The criteria in force (the newest era begun by `day`).
        public static func inForce(on day: Day) throws -> Criteria {
            let eras = try [PackageResources.disease_free_2022_json].map {
                try JSONDecoder().decode(Criteria.self, from: Data($0))
            }
            return eras.filter { Day($0.in_force_from).map { $0 <= day } ?? false }.max {
                $0.in_force_from < $1.in_force_from
            } ?? eras[0]
        }
    }

    /// What the county holds about a village over the window ending on a day (`CountyDatabase.diseaseFreeFacts`).
    public struct Facts: Sendable {
        public var village: String
        public var name: String
        public var township_name: String
        /// The last day a positive sample was taken from a person of the village.
        public var lastPositive: Day?
        /// Persons whose measure ended before the day and is still in force (not released).
        public var overdueUnreleased: Int
        /// The village's latest sweep round: households visited of total; nil when it never swept.
        public var sweep: (visited: Int, total: Int)?
        /// The days of the window whose report was late or missing (a day before the village joined is not due).
        public var reportsNotOnTime: [(day: Day, status: String)]
        public var reportDays: Int
    }

    /// The township's review, the county's record, or a revocation.
    public struct Record: Codable, Sendable, Equatable {
        public var village: String
        /// review (乡镇审核), certify (县里认定) or revoke (撤销).
        public var action: String
        public var by: String
        public var reason: String?
        public var at: String

        public init(village: String, action: String, by: String, reason: String?, at: String) {
            self.village = village
            self.action = action
            self.by = by
            self.reason = reason
            self.at = at
        }
    }

    /// One criterion as it stands for a village.
    public struct Evidence: Encodable, Sendable {
        public var id: String
        public var label: String
        public var holds: Bool
        public var detail: String
    }

    /// A village's status on a day.
    public struct Status: Encodable, Sendable {
        public var village: String
        public var name: String
        public var township_name: String
        public var date: String
        /// Whether every criterion holds.
        public var meets: Bool
        /// certified (认定为无疫村 and still meets the criteria), lost (认定过, no longer meets them: revoked at once),
        /// eligible (meets them, not certified), reviewed (meets them, reviewed by the township, not yet recorded),
        /// not_eligible.
        public var status: String
        public var evidence: [Evidence]
        /// The actions recorded, oldest first.
        public var records: [Record]

        /// The status in Chinese.
        public var label: String {
            switch status {
            case "certified": "无疫村（已认定）"
            case "lost": "已失去无疫村资格"
            case "reviewed": "符合条件，乡镇已审核，待县里认定"
            case "eligible": "符合条件，待乡镇审核"
            default: "未达到无疫村条件"
            }
        }
    }

    /// The status of each village on `day` from its facts and the records kept (all villages' actions, any order).
    public static func evaluate(_ facts: [Facts], records: [Record], criteria: Criteria, on day: Day) -> [Status] {
        let window = criteria.window_days
        let firstDay = day.adding(days: -(window - 1))
        return facts.map { f in
            var evidence: [Evidence] = []
            for criterion in criteria.criteria {
                let (holds, detail): (Bool, String)
                switch criterion.id {
                case "no_new_positive":
                    holds = f.lastPositive.map { $0 < firstDay } ?? true
                    detail = f.lastPositive.map { "最近一例阳性 \($0) 采样" } ?? "无阳性记录"
                case "no_overdue_release":
                    holds = f.overdueUnreleased == 0
                    detail = holds ? "无" : "\(f.overdueUnreleased) 人期满未解除"
                case "sweep_complete":
                    holds = f.sweep.map { $0.visited >= $0.total } ?? true
                    detail = f.sweep.map { "最近一轮已排查 \($0.visited)/\($0.total) 户" } ?? "未开展入户排查"
                case "reports_on_time":
                    holds = f.reportsNotOnTime.isEmpty
                    let onTime = f.reportDays - f.reportsNotOnTime.count
                    detail =
                        "\(f.reportDays) 天中按时 \(onTime) 天"
                        + (holds
                            ? ""
                            : "（"
                                + f.reportsNotOnTime.prefix(5).map {
                                    "\($0.day.description.suffix(5)) \($0.status == "late" ? "迟报" : "未报")"
                                }.joined(separator: "，") + "）")
                default:
                    (holds, detail) = (false, "本程序不认识的条件 \(criterion.id)，请升级")
                }
                evidence.append(Evidence(id: criterion.id, label: criterion.label, holds: holds, detail: detail))
            }
            let meets = evidence.allSatisfy(\.holds)
            let own = records.filter { $0.village == f.village }.sorted { $0.at < $1.at }
            // The records since the last revocation count.
            let current = own.lastIndex { $0.action == "revoke" }.map { Array(own[(own.index(after: $0))...]) } ?? own
            let certified = current.contains { $0.action == "certify" }
            let reviewed = current.contains { $0.action == "review" }
            let status =
                certified
                ? (meets ? "certified" : "lost") : meets ? (reviewed ? "reviewed" : "eligible") : "not_eligible"
            return Status(
                village: f.village, name: f.name, township_name: f.township_name, date: "\(day)", meets: meets,
                status: status, evidence: evidence, records: own)
        }
    }
}

extension CountyStore {
    /// Every village's 无疫村 status on `day` (`DiseaseFree`), as the data and the records stand.
    /// - Parameter recordedOnly: only the villages with a review, a record or a revocation (the dashboard's, on
    ///   every load: evaluating every village costs 14 days of the merge run's report standing).
    public func villageStatuses(on day: Day, maxSkew: TimeInterval = 600, recordedOnly: Bool = false) async throws
        -> [DiseaseFree.Status]
    {
        let criteria = try DiseaseFree.Criteria.inForce(on: day)
        let records = try await villageStatusRecords()
        let only = recordedOnly ? Set(records.map(\.village)) : nil
        if only?.isEmpty == true { return [] }
        let deadline = try await deadline()
        let facts = try await reading {
            try $0.diseaseFreeFacts(
                on: day, window: criteria.window_days, deadline: deadline, maxSkew: maxSkew, only: only)
        }
        return DiseaseFree.evaluate(facts, records: records, criteria: criteria, on: day)
    }

    /// Records the township's review (`review`), the county's record (`certify`) or a revocation (`revoke`, with a
    /// reason) of `village` as 无疫村, by `by`, now; refused unless the data and the earlier actions allow it: a review
    /// or a record only of a village meeting every criterion today, a record only after a review, a revocation only
    /// of a village recorded.
    public func recordVillageStatus(_ village: String, action: String, by: String, reason: String?) async throws
        -> DiseaseFree.Status
    {
        let by = by.trimmingCharacters(in: .whitespaces)
        guard !by.isEmpty, by.count <= 50 else {
            throw RegistryError(nil, zh: "--by：请写明经办人姓名", en: "--by: name who does it").ending(.usage)
        }
        guard let status = try await villageStatuses(on: clock.today).first(where: { $0.village == village }) else {
            throw RegistryError(.village, zh: "\(village) 不在村名册中", en: "\(village) is not on the roster")
        }
        let failing = status.evidence.filter { !$0.holds }.map { "\($0.label)（\($0.detail)）" }
        switch action {
        case "review", "certify":
            guard status.meets else {
                throw RegistryError(
                    nil, zh: "\(status.name) 未达到无疫村条件：\(failing.joined(separator: "；"))",
                    en: "\(status.name) does not meet the criteria: \(failing.joined(separator: "; "))")
            }
            if action == "certify" && status.status == "eligible" {
                throw RegistryError(
                    nil, zh: "\(status.name) 须先经乡镇审核（sync-server villages review）",
                    en: "\(status.name) must first be reviewed by the township (villages review)")
            }
            if status.status == "certified" {
                throw RegistryError(nil, zh: "\(status.name) 已认定为无疫村", en: "\(status.name) is already recorded")
            }
        default:
            guard ["certified", "lost"].contains(status.status) else {
                throw RegistryError(nil, zh: "\(status.name) 没有被认定为无疫村", en: "\(status.name) is not recorded")
            }
            guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw RegistryError(nil, zh: "撤销须写明原因（--reason）", en: "a revocation needs --reason").ending(.usage)
            }
        }
        try await keepVillageStatusRecord(
            DiseaseFree.Record(
                village: village, action: action, by: by, reason: reason, at: clock.isoText(clock.now())))
        return try await villageStatuses(on: clock.today).first { $0.village == village }!
    }
}
