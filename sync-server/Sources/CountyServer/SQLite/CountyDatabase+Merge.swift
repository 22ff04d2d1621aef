import Foundation
import GRDB
import GRDBSQLite
import RegistryCore

extension CountyDatabase {
    /// The deadline for daily reports, `HH:MM` in the county's time zone (default 17:00).
    public func deadline() throws -> String {
        try writer.read { try Self.setting($0, .deadline) } ?? CountySetting.defaultDeadline
    }

    /// Sets the report deadline.
    public func setDeadline(_ text: String) throws {
        _ = try LocalTimeOfDay(text, field: .deadline)
        try writer.write { try Self.setSetting($0, .deadline, text) }
    }

    /// The county summary for `day`, with this database's deadline.
    public func summary(on day: Day, maxSkew: TimeInterval = 600) throws -> CountySummary {
        try summary(on: day, deadline: try deadline(), maxSkew: maxSkew)
    }

    /// The county summary for `day` with reports due by `deadlineText` (`HH:MM`, kept by the store).
    public func summary(on day: Day, deadline deadlineText: String, maxSkew: TimeInterval = 600) throws -> CountySummary
    {
        let deadline = try deadlineInstant(day, deadlineText)
        return try writer.read { db in
            let lines = try villageLines(db, on: day, deadline: deadline, maxSkew: maxSkew)
            var totals = ReportFigures()
            for line in lines { if let f = line.figures { totals.add(f) } }
            var townships: [CountySummary.Township] = []
            for (code, group) in Dictionary(grouping: lines, by: \.township_code).sorted(by: { $0.key < $1.key }) {
                var subtotal = ReportFigures()
                for line in group { if let f = line.figures { subtotal.add(f) } }
                townships.append(
                    CountySummary.Township(
                        township_code: code, township_name: group[0].township_name, villages_expected: group.count,
                        on_time: group.filter { $0.status == "on_time" }.map(\.village),
                        late: group.filter { $0.status == "late" }.map(\.village),
                        missing: group.filter { $0.status == "missing" }.map(\.village), totals: subtotal))
            }
            let leads = try Lead.filter(Lead.Columns.outcome == nil && Lead.Columns.deleted == false).order(
                Lead.Columns.deadline, Lead.Columns.village
            ).fetchAll(db)
            var summary = CountySummary(
                date: "\(day)", deadline: deadlineText, villages_expected: lines.count,
                reports_received: lines.filter { $0.status != "missing" }.count,
                on_time: lines.filter { $0.status == "on_time" }.map(\.village),
                late: lines.filter { $0.status == "late" }.map(\.village),
                missing: lines.filter { $0.status == "missing" }.map(\.village), totals: totals, townships: townships,
                villages: lines,
                duplicates: try CountyDatabase.duplicates(db),
                open_leads: try leads.map {
                    .init(
                        lead_id: $0.id, village: $0.village, name: $0.name, deadline: "\($0.deadline)",
                        overdue: $0.deadline < day, sent_by: try Self.sender(ofLead: $0, db: db))
                },
                deletions: try deletions(db, on: day), positives: try CountyDatabase.chains(db, on: day))
            summary.sweeps = try CountyDatabase.sweepCoverage(db, on: day, now: clock.localText(clock.now()))
            return summary
        }
    }

    /// The level of the server that first wrote `lead` (its first log entry's site: `county-…`, `city-…`), read
    /// through the log's scope index.
    static func sender(ofLead lead: Lead, db: Database) throws -> String {
        let origin =
            try String.fetchOne(
                db,
                sql: "SELECT origin FROM change_log WHERE scope = ? AND tbl = 'lead' AND pk = ? ORDER BY seq LIMIT 1",
                arguments: [lead.village, lead.id]) ?? ""
        return RegionLevel.allCases.first { origin.hasPrefix("\($0.rawValue)-") }?.rawValue
            ?? RegionLevel.county.rawValue
    }

    /// One village's line of the summary for `day` and the persons it deleted that day: what the village's page
    /// shows, without the rest of the county's merge run (a tenth of a second on a county of 500 villages).
    /// nil for a village not on the roster, or not yet on it that day.
    public func summaryLine(_ village: String, on day: Day, deadline deadlineText: String, maxSkew: TimeInterval = 600)
        throws
        -> (line: CountySummary.VillageLine, deletions: [CountySummary.Deletion])?
    {
        let deadline = try deadlineInstant(day, deadlineText)
        return try writer.read { db in
            guard let line = try villageLines(db, on: day, deadline: deadline, maxSkew: maxSkew, only: [village]).first
            else { return nil }
            return (line, try deletions(db, on: day, only: village))
        }
    }

    func deadlineInstant(_ day: Day, _ text: String) throws -> Date {
        let time = try LocalTimeOfDay(text, field: .deadline)
        return clock.instant(day, hour: time.hour, minute: time.minute)
    }

    /// Each roster village's line for `day` (or only those of `villages`): on time, late or missing, with its report.
    func villageLines(
        _ db: Database, on day: Day, deadline: Date, maxSkew: TimeInterval, only villages: Set<String>? = nil
    ) throws
        -> [CountySummary.VillageLine]
    {
        var rosterRequest = VillageEntry.filter(VillageEntry.Columns.deleted == false)
        var reportRequest = DailyReport.filter(
            DailyReport.Columns.date == "\(day)" && DailyReport.Columns.deleted == false)
        // A few villages are read by code; more than one lookup's worth, the whole roster, filtered below.
        if let villages, villages.count <= keysPerLookup {
            rosterRequest = rosterRequest.filter(villages.contains(VillageEntry.Columns.code))
            reportRequest = reportRequest.filter(villages.contains(DailyReport.Columns.village))
        }
        let roster = try rosterRequest.order(VillageEntry.Columns.townshipCode, VillageEntry.Columns.code).fetchAll(db)
            .filter { villages?.contains($0.code) ?? true }
        let reports = try reportRequest.fetchAll(db)
        let byVillage = Dictionary(
            reports.map { ($0.village, $0) }, uniquingKeysWith: { $0.revision >= $1.revision ? $0 : $1 })
        var received: [String: String] = [:]
        var firstReceived: [String: Date] = [:]
        let revisions = Dictionary(reports.map { ($0.id, $0.revision) }, uniquingKeysWith: max)
        for row in try Row.fetchAll(
            db, sql: "SELECT report_id, revision, received_at FROM report_receipt WHERE date = ?", arguments: ["\(day)"]
        ) {
            let id: String = row["report_id"]
            let at: String = row["received_at"]
            guard let revision = revisions[id] else { continue }
            if revision == (row["revision"] as Int) { received[id] = at }
            if let date = StoredTime.date(at), firstReceived[id].map({ date < $0 }) ?? true { firstReceived[id] = date }
        }
        let decoder = JSONDecoder()
        // When each village joined the roster (its row's first log entry): no report was due from it before.
        // (A city holds each county's roster under that county's scope.)
        var joined: [String: Day] = [:]
        for county in Set(roster.map(\.village)) {
            for (pk, hlc) in try ChangeLog.firstClocks(db, table: VillageEntry.databaseTableName, scope: county) {
                joined[pk] = clock.day(of: Date(timeIntervalSince1970: Double(HLC(raw: hlc).milliseconds) / 1000))
            }
        }
        var lines: [CountySummary.VillageLine] = []
        for village in roster {
            if byVillage[village.code] == nil, let since = joined[village.id], day < since { continue }
            var line = CountySummary.VillageLine(
                village: village.code, name: village.name, township_code: village.townshipCode,
                township_name: village.townshipName, status: "missing")
            if let report = byVillage[village.code] {
                // On time when first submitted by the deadline (a report sent offline before 17:00 counts), and
                // that time is believable: not later than its first arrival at the county plus the allowed skew.
                let submitted = StoredTime.date(report.firstSubmittedAt)
                let arrived = firstReceived[report.id]
                let believable =
                    submitted.map { s in arrived.map { s <= $0.addingTimeInterval(maxSkew) } ?? true } ?? false
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
        return lines
    }

    /// Persons deleted on the day (county time), from the log entry that deleted them; only `village`'s if given.
    private func deletions(_ db: Database, on day: Day, only village: String? = nil) throws -> [CountySummary.Deletion]
    {
        let countySite = try CountyDatabase.settings(db).site
        var deletions: [CountySummary.Deletion] = []
        for row in try ChangeLog.personDeletions(db, village: village) {
            let at = Date(timeIntervalSince1970: Double(HLC(raw: row["hlc"]).milliseconds) / 1000)
            guard clock.day(of: at) == day else { continue }
            deletions.append(
                .init(
                    village: row["village"], name: row["name"], id_number: row["id_number"],
                    reason: row["deleted_reason"],
                    deleted_at: clock.isoText(at),
                    by_county: (row["origin"] as String) == countySite
                        || (row["origin"] as String).hasPrefix("county-")))
        }
        return deletions
    }
}

extension CountyDatabase {
    /// Persons registered in two villages or more (by resident ID), each with every registration, oldest first.
    ///
    /// Found in one pass with a hash table instead of `GROUP BY id_number`: the county keeps no index on id numbers
    /// (it would cost every pushed person a random index write, county-v3), and sorting 100k numbers for the group
    /// took SQLite 165 ms where the pass takes a fraction of that (docs/PERFORMANCE.md, session 9).
    static func duplicates(_ db: Database) throws -> [CountySummary.Duplicate] {
        var first: [PackedText: (village: PackedText, rowid: Int64)] = [:]
        first.reserveCapacity(try Int.fetchOne(db, sql: "SELECT max(rowid) FROM person") ?? 0)
        var twice: Set<PackedText> = []
        var rowids: [Int64] = []
        let statement = try db.cachedStatement(
            sql: "SELECT rowid, id_number, village FROM person WHERE deleted = 0 AND id_type = 'resident_id'")
        let rows = try Row.fetchCursor(statement)
        // The columns are read in place through SQLite's C API: a Swift String or Data per value (200k of them) was
        // most of the merge run's time.
        let sqlite = statement.sqliteStatement
        while try rows.next() != nil {
            let rowid = sqlite3_column_int64(sqlite, 0)
            let id = PackedText(sqlite, column: 1)
            let village = PackedText(sqlite, column: 2)
            guard let seen = first[id] else {
                first[id] = (village, rowid)
                continue
            }
            rowids += [rowid, seen.rowid]
            if seen.village != village { twice.insert(id) }
        }
        guard !twice.isEmpty else { return [] }
        // Then every registration of those numbers, by row (a registration in the same village twice is listed too).
        var registrations: [String: [CountySummary.Duplicate.Registration]] = [:]
        let wanted = Array(Set(rowids))
        for row in try db.rows(
            forKeys: wanted, { "SELECT id_number, village, name, created_at FROM person WHERE rowid IN (\($0))" })
        where twice.contains(PackedText(row["id_number"] as String)) {
            registrations[row["id_number"], default: []].append(
                .init(village: row["village"], name: row["name"], registered_at: row["created_at"]))
        }
        return registrations.keys.sorted().compactMap { id in
            let found = registrations[id]!.sorted { ($0.registered_at, $0.village) < ($1.registered_at, $1.village) }
            let villages = Set(found.map(\.village))
            return villages.count > 1
                ? CountySummary.Duplicate(
                    id_number: id, villages: villages.sorted(),
                    counties: Set(villages.map { String($0.prefix(6)) }).sorted(), registrations: found) : nil
        }
    }
}

/// A short text (an id number, a village code) kept in three words: hashing and comparing it costs no allocation,
/// where an 18-character Swift string lives on the heap. Longer texts keep only a digest of their bytes and the
/// length, so two of them may collide: `duplicates` reads the rows back by their own text before it names anyone.
struct PackedText: Hashable {
    private var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count <= 23 {
            var words: (UInt64, UInt64, UInt64) = (0, 0, UInt64(bytes.count) << 56)
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
            (a, b, c) = words
        } else {
            var hasher = Hasher()
            hasher.combine(bytes: bytes)
            a = UInt64(bitPattern: Int64(hasher.finalize()))
            b = ~0
            c = UInt64(bytes.count)
        }
    }

    /// The text in `column` of the current row, read where SQLite holds it.
    init(_ statement: SQLiteStatement, column: Int32) {
        let text = sqlite3_column_text(statement, column)
        self.init(
            UnsafeRawBufferPointer(start: text, count: text == nil ? 0 : Int(sqlite3_column_bytes(statement, column))))
    }

    init(_ text: String) {
        var text = text
        self = text.withUTF8 { PackedText(UnsafeRawBufferPointer($0)) }
    }
}
