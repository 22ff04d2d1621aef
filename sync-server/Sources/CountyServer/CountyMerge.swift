import Foundation
import GRDB
import RegistryCore

/// The county picture for a day (汇总): who reported, on time or late, who did not; the figures summed; people
/// registered in more than one village; leads overdue. What `sync-server merge`, `/v1/summary` and the
/// dashboard show.
public struct CountySummary: Encodable, Sendable {
    /// One village's line.
    public struct VillageLine: Encodable, Sendable {
        public var village: String
        public var name: String
        public var township_code: String
        public var township_name: String
        /// on_time, late or missing.
        public var status: String
        public var revision: Int?
        public var submitted_at: String?
        /// When the first revision was submitted (what decides on time or late).
        public var first_submitted_at: String?
        /// When the standing revision reached the county.
        public var received_at: String?
        public var is_zero_report: Bool?
        public var figures: ReportFigures?
    }

    /// A township's villages and subtotal, so that a township head can phone the late and missing ones.
    public struct Township: Encodable, Sendable {
        public var township_code: String
        public var township_name: String
        public var villages_expected: Int
        public var on_time: [String]
        public var late: [String]
        public var missing: [String]
        public var totals: ReportFigures
    }

    /// A resident ID registered in more than one village.
    public struct Duplicate: Encodable, Sendable {
        public var id_number: String
        public var villages: [String]
        public var registrations: [Registration]

        public struct Registration: Encodable, Sendable {
            public var village: String
            public var name: String
            public var registered_at: String
        }
    }

    /// A person deleted on the day, with the reason given: deleting is how an arrival could be hidden (瞒报).
    public struct Deletion: Encodable, Sendable {
        public var village: String
        public var name: String
        public var id_number: String
        public var reason: String?
        public var deleted_at: String
        /// Whether the county deleted it (else the village did).
        public var by_county: Bool
    }

    /// A lead not closed by its deadline.
    public struct LeadLine: Encodable, Sendable {
        public var lead_id: String
        public var village: String
        public var name: String
        public var deadline: String
        public var overdue: Bool
    }

    public var date: String
    public var deadline: String
    public var villages_expected: Int
    public var reports_received: Int
    public var on_time: [String]
    public var late: [String]
    public var missing: [String]
    public var totals: ReportFigures
    public var townships: [Township]
    public var villages: [VillageLine]
    public var duplicates: [Duplicate]
    public var open_leads: [LeadLine]
    public var deletions: [Deletion]
    /// Each positive whose result came in on the day, with everyone around them by village and where they stand.
    public var positives: [PositiveChain]
}

extension CountyDatabase {
    /// The deadline for daily reports, `HH:MM` in the county's time zone (default 17:00).
    public func deadline() throws -> String {
        try writer.read { try LocalSettings.get($0, "deadline") } ?? "17:00"
    }

    /// Sets the report deadline.
    public func setDeadline(_ text: String) throws {
        _ = try LocalTimeOfDay(text, field: .deadline)
        try writer.write { try LocalSettings.set($0, "deadline", text) }
    }

    /// The county summary for `day`, with this database's deadline.
    public func summary(on day: Day, maxSkew: TimeInterval = 600) throws -> CountySummary {
        try summary(on: day, deadline: try deadline(), maxSkew: maxSkew)
    }

    /// The county summary for `day` with reports due by `deadlineText` (`HH:MM`, kept by the store).
    public func summary(on day: Day, deadline deadlineText: String, maxSkew: TimeInterval = 600) throws -> CountySummary {
        let deadlineTime = try LocalTimeOfDay(deadlineText, field: .deadline)
        let deadline = clock.instant(day, hour: deadlineTime.hour, minute: deadlineTime.minute)
        return try writer.read { db in
            let roster = try VillageEntry.filter(Column("deleted") == false).order(Column("township_code"), Column("code")).fetchAll(db)
            let reports = try DailyReport.filter(Column("date") == "\(day)" && Column("deleted") == false).fetchAll(db)
            let byVillage = Dictionary(reports.map { ($0.village, $0) }, uniquingKeysWith: { $0.revision >= $1.revision ? $0 : $1 })
            let receipts = try Row.fetchAll(db, sql: "SELECT report_id, revision, received_at FROM report_receipt WHERE date = ?", arguments: ["\(day)"])
            var received: [String: String] = [:]
            var firstReceived: [String: Date] = [:]
            let iso = ISO8601DateFormatter()
            for row in receipts {
                let id: String = row["report_id"], at: String = row["received_at"]
                if let report = reports.first(where: { $0.id == id }), report.revision == (row["revision"] as Int) { received[id] = at }
                if let date = iso.date(from: at), firstReceived[id].map({ date < $0 }) ?? true { firstReceived[id] = date }
            }
            let decoder = JSONDecoder()
            // When each village joined the roster (its row's first log entry): no report was due from it before.
            let county = try CountyDatabase.settings(db).county
            var joined: [String: Day] = [:]
            for (pk, hlc) in try ChangeLog.firstClocks(db, table: VillageEntry.databaseTableName, scope: county) {
                joined[pk] = clock.day(of: Date(timeIntervalSince1970: Double(HLC(raw: hlc).milliseconds) / 1000))
            }
            var lines: [CountySummary.VillageLine] = []
            for village in roster {
                if byVillage[village.code] == nil, let since = joined[village.id], day < since { continue }
                var line = CountySummary.VillageLine(village: village.code, name: village.name, township_code: village.townshipCode,
                                                     township_name: village.townshipName, status: "missing")
                if let report = byVillage[village.code] {
                    // On time when first submitted by the deadline (a report sent offline before 17:00 counts), and
                    // that time is believable: not later than its first arrival at the county plus the allowed skew.
                    let submitted = iso.date(from: report.firstSubmittedAt)
                    let arrived = firstReceived[report.id]
                    let believable = submitted.map { s in arrived.map { s <= $0.addingTimeInterval(maxSkew) } ?? true } ?? false
                    let claimedOnTime = submitted.map { $0 <= deadline } ?? false
                    line.status = believable && claimedOnTime ? "on_time" : "late"
                    line.revision = report.revision
                    line.submitted_at = report.submittedAt
                    line.first_submitted_at = report.firstSubmittedAt
                    line.received_at = received[report.id]
                    line.is_zero_report = report.isZeroReport
                    line.figures = try? decoder.decode(ReportFigures.self, from: Data(report.figures.utf8))
                }
                lines.append(line)
            }
            var totals = ReportFigures()
            for line in lines { if let f = line.figures { totals.add(f) } }
            var townships: [CountySummary.Township] = []
            for (code, group) in Dictionary(grouping: lines, by: \.township_code).sorted(by: { $0.key < $1.key }) {
                var subtotal = ReportFigures()
                for line in group { if let f = line.figures { subtotal.add(f) } }
                townships.append(CountySummary.Township(
                    township_code: code, township_name: group[0].township_name, villages_expected: group.count,
                    on_time: group.filter { $0.status == "on_time" }.map(\.village), late: group.filter { $0.status == "late" }.map(\.village),
                    missing: group.filter { $0.status == "missing" }.map(\.village), totals: subtotal))
            }
            let duplicateRows = try Row.fetchAll(db, sql: """
                SELECT id_number, village, name, created_at FROM person
                WHERE deleted = 0 AND id_type = 'resident_id' AND id_number IN (
                    SELECT id_number FROM person WHERE deleted = 0 AND id_type = 'resident_id'
                    GROUP BY id_number HAVING count(DISTINCT village) > 1)
                ORDER BY id_number, created_at
                """)
            let duplicates = Dictionary(grouping: duplicateRows, by: { $0["id_number"] as String }).sorted { $0.key < $1.key }.map { id, rows in
                CountySummary.Duplicate(id_number: id, villages: Array(Set(rows.map { $0["village"] as String })).sorted(),
                                        registrations: rows.map { .init(village: $0["village"], name: $0["name"], registered_at: $0["created_at"]) })
            }
            // Persons deleted on the day (county time), from the log entry that deleted them.
            let countySite = try CountyDatabase.settings(db).site
            var deletions: [CountySummary.Deletion] = []
            for row in try ChangeLog.personDeletions(db) {
                let at = Date(timeIntervalSince1970: Double(HLC(raw: row["hlc"]).milliseconds) / 1000)
                guard clock.day(of: at) == day else { continue }
                deletions.append(.init(village: row["village"], name: row["name"], id_number: row["id_number"], reason: row["deleted_reason"],
                                       deleted_at: clock.isoText(at), by_county: (row["origin"] as String) == countySite))
            }
            let leads = try Lead.filter(Column("outcome") == nil && Column("deleted") == false).order(Column("deadline"), Column("village")).fetchAll(db)
            return CountySummary(
                date: "\(day)", deadline: deadlineText, villages_expected: lines.count,
                reports_received: lines.filter { $0.status != "missing" }.count,
                on_time: lines.filter { $0.status == "on_time" }.map(\.village), late: lines.filter { $0.status == "late" }.map(\.village),
                missing: lines.filter { $0.status == "missing" }.map(\.village), totals: totals, townships: townships, villages: lines,
                duplicates: duplicates,
                open_leads: leads.map { .init(lead_id: $0.id, village: $0.village, name: $0.name, deadline: "\($0.deadline)", overdue: $0.deadline < day) },
                deletions: deletions, positives: try CountyDatabase.chains(db, on: day))
        }
    }
}
