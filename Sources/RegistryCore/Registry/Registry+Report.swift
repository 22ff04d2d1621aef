import Foundation
import GRDB

/// A daily report as `registry report` shows it: the figures computed now, and the submitted revision if any.
public struct ReportView: Sendable {
    public var village: String
    public var villageName: String
    public var date: Day
    /// The figures computed from the registry as it is now.
    public var current: ReportFigures
    /// The highest submitted revision for the date, if any.
    public var submitted: DailyReport?
    /// Its figures.
    public var submittedFigures: ReportFigures?

    /// Whether the registry changed since the submission, so that the figures would now differ.
    public var isStale: Bool { submittedFigures.map { $0 != current } ?? false }
}

/// One day of `report history`.
public struct ReportDay: Sendable, Encodable {
    public enum Status: String, Sendable, Encodable {
        case onTime = "on_time"
        case late, missing
    }
    public var date: String
    public var status: Status
    public var revision: Int?
    public var submitted_at: String?
    public var is_zero_report: Bool?
}

extension Registry {
    /// Computes the figures for `day` from the registry.
    public func reportFigures(on day: Day) throws -> ReportFigures {
        try read { db, _ in try Registry.figures(db, on: day) }
    }

    static func figures(_ db: Database, on day: Day) throws -> ReportFigures {
        let d = "\(day)"
        var f = ReportFigures()
        // Arrivals are returnees: a plan put on by contact tracing (source contact_tracing) is no arrival.
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT category, count(*) AS n FROM arrival WHERE arrived_on = ? AND deleted = 0 AND source <> 'contact_tracing' GROUP BY category",
            arguments: [d])
        {
            f.new_by_category[row["category"]] = row["n"]
            f.new_arrivals += row["n"] as Int
        }
        f.cumulative_arrivals =
            try Int.fetchOne(
                db,
                sql:
                    "SELECT count(*) FROM arrival WHERE arrived_on <= ? AND deleted = 0 AND source <> 'contact_tracing'",
                arguments: [d]) ?? 0
        let held = try DayQueries.inForce(db, on: day)
        f.households_under_measure = try households(db, of: held.map(\.0))
        (f.sweep_households_total, f.sweep_households_visited) = try sweepCoverage(db)
        for (_, phase) in held {
            switch phase.kind {
            case .centralQuarantine: f.under_central_quarantine += 1
            case .homeQuarantine: f.under_home_quarantine += 1
            case .homeHealthMonitoring: f.under_home_health_monitoring += 1
            case .healthMonitoring: f.under_health_monitoring += 1
            case .none: break
            }
        }
        f.tests_due = try DayQueries.countDue(db, on: day)
        f.tests_done =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM lab_test WHERE sampled_on = ? AND deleted = 0", arguments: [d]) ?? 0
        f.tests_missed = try DayQueries.countMissed(db, on: day)
        f.positives =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM lab_test WHERE result_on = ? AND result = 'positive' AND deleted = 0",
                arguments: [d]) ?? 0
        f.fevers =
            try Int.fetchOne(
                db,
                sql:
                    "SELECT count(DISTINCT person_id) FROM health_check WHERE taken_on = ? AND flagged = 1 AND deleted = 0",
                arguments: [d]) ?? 0
        f.released =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM measure WHERE released_on = ? AND status = 'released' AND deleted = 0",
                arguments: [d]) ?? 0
        return f
    }

    /// How many households the persons `ids` belong to. Only members who joined someone's household have a
    /// `household` (read through its index, usually few rows); everyone else is the key of their own.
    static func households(_ db: Database, of ids: [String]) throws -> Int {
        var joined: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, household FROM person WHERE household IS NOT NULL") {
            joined[row[0]] = row[1]
        }
        return Set(ids.map { joined[$0] ?? $0 }).count
    }

    /// The report for `day`: computed figures, and the submitted revision if there is one.
    public func report(on day: Day) throws -> ReportView {
        try read { db, settings in
            let submitted = try DailyReport.fetchOne(
                db, key: DailyReport.stableID(village: settings.village, date: day))
            return ReportView(
                village: settings.village, villageName: settings.villageName, date: day,
                current: try Registry.figures(db, on: day), submitted: submitted,
                submittedFigures: submitted.flatMap {
                    try? JSONDecoder().decode(ReportFigures.self, from: Data($0.figures.utf8))
                })
        }
    }

    /// How far behind a time already seen the clock may be when a report is submitted (the HLC runs up to the
    /// server's allowed skew ahead of real time when a change from a slightly fast clock was received).
    static let clockBackTolerance: Int64 = 10 * 60 * 1000

    /// The reporter remembered from the last submission, if any.
    public func reporter() throws -> String? {
        try read { db, _ in try Setting.get(db, .reporter) }
    }

    /// Submits the report for `day`: freezes the figures with the reporter, remarks and the time. Submitting
    /// again makes the next revision of the same row, so there is never more than one report for a date.
    /// A revision keeps the earlier remarks unless `remarks` gives new ones ("" clears them).
    public func submitReport(on day: Day, reporter: String?, remarks: String?) throws -> DailyReport {
        if day > clock.today {
            throw RegistryError(
                .date, zh: "不能报送今天之后的日报（\(day)）", en: "cannot submit a report for a future day (\(day))")
        }
        return try write { db, recorder, settings in
            guard let who = try reporter?.trimmed.nonEmpty ?? Setting.get(db, .reporter) else {
                throw RegistryError(
                    .reporter, zh: "请用 --reporter 填写填报人姓名（之后会记住）",
                    en: "give the reporter's name with --reporter (it is remembered)")
            }
            // Lateness is judged on the submission time, so a clock set back (by hand, or by a flat CMOS battery)
            // must not make a late report look on time: refuse when the clock is behind a time already seen.
            let known = try Setting.knownPast(db)
            if clock.milliseconds < known - Registry.clockBackTolerance {
                let seen = clock.localText(Date(timeIntervalSince1970: Double(known) / 1000))
                throw RegistryError(
                    .time,
                    zh: "本机时间（\(clock.localText(clock.now()))）早于本登记库已记录的时间（\(seen)），电脑时钟可能被调回；请校正日期和时间后再报送（时间无误时先同步一次）",
                    en:
                        "this computer's clock (\(clock.localText(clock.now()))) is behind a time this registry has already seen (\(seen)); the clock was set back? Fix the date and time, then submit (if the time is right, sync once first)"
                )
            }
            try Setting.set(db, .reporter, who)
            let figures = try Registry.figures(db, on: day)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let id = DailyReport.stableID(village: settings.village, date: day)
            let old = try DailyReport.fetchOne(db, key: id)
            let report = DailyReport(
                id: id, village: settings.village, date: day, revision: (old?.revision ?? 0) + 1,
                figures: String(decoding: try encoder.encode(figures), as: UTF8.self),
                isZeroReport: figures.isZeroReport,
                reporter: who, remarks: remarks?.trimmed ?? old?.remarks ?? "", submittedAt: nowText,
                firstSubmittedAt: old?.firstSubmittedAt ?? nowText, deleted: false)
            if let old { try recorder.update(report, from: old) } else { try recorder.insert(report) }
            return report
        }
    }

    /// For each day from `from` to `to`: submitted on time, late, or missing, judged on the submission time
    /// against the deadline of that day in the village's time zone.
    public func reportHistory(from: Day, to: Day) throws -> [ReportDay] {
        guard from <= to, to.days(since: from) <= 366 else {
            throw RegistryError(
                .date, zh: "日期范围应在一年以内且起始不晚于结束", en: "the range must run forwards and span at most a year")
        }
        return try read { db, settings in
            let deadline = try LocalTimeOfDay(settings.deadline, field: .deadline)
            let reports = try DailyReport.filter(
                DailyReport.Columns.village == settings.village && DailyReport.Columns.date >= "\(from)"
                    && DailyReport.Columns.date <= "\(to)" && DailyReport.Columns.deleted == false
            ).fetchAll(db)
            let byDate = Dictionary(
                reports.map { ($0.date, $0) }, uniquingKeysWith: { a, b in a.revision >= b.revision ? a : b })
            let start = try startDay(db)
            return (0...to.days(since: from)).compactMap { offset in
                let day = from.adding(days: offset)
                guard let report = byDate[day] else {
                    // No report was due before the registry existed.
                    return day < start ? nil : ReportDay(date: "\(day)", status: .missing)
                }
                let onTime = Registry.isOnTime(
                    report, deadline: clock.instant(day, hour: deadline.hour, minute: deadline.minute))
                return ReportDay(
                    date: "\(day)", status: onTime ? .onTime : .late, revision: report.revision,
                    submitted_at: report.submittedAt, is_zero_report: report.isZeroReport)
            }
        }
    }

    /// The first day the registry kept: the day it was set up, or for a registry set up before that was recorded, the
    /// day of its first write.
    func startDay(_ db: Database) throws -> Day {
        if let day = try Setting.get(db, .createdOn).flatMap(Day.init) { return day }
        guard let first = try ChangeLog.firstClock(db) else { return clock.today }
        return clock.day(of: Date(timeIntervalSince1970: Double(HLC(raw: first).milliseconds) / 1000))
    }

    /// Whether a report was first submitted at or before the deadline instant.
    public static func isOnTime(_ report: DailyReport, deadline: Date) -> Bool {
        guard let submitted = StoredTime.date(report.firstSubmittedAt) else { return false }
        return submitted <= deadline
    }
}
