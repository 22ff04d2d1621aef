import Foundation
import GRDB
import Testing

@testable import RegistryCore

@Suite("Daily report (日报告、零报告)")
struct ReportTests {
    /// A week in a village: a high-risk arrival, a low-risk one, a close contact; a fever, tests done and missed,
    /// a positive, a release.
    func scenario() throws -> Registry {
        let registry = try makeRegistry(now: "2022-07-20 09:00")
        _ = try registry.importRiskAreas(
            try CSVFile(
                data: Data("code,name,level,in_force_from,lifted_on\n420102,江岸区,高,2022-06-20,\n".utf8), file: "ra.csv"))
        _ = try registry.intake(
            form(name: "甲", id: "420102199003071232", from: "420102001", departed: "2022-06-30", arrived: "2022-07-01"))
        _ = try registry.intake(
            form(name: "乙", id: "32010219751201003X", from: "110101", departed: "2022-06-30", arrived: "2022-07-01"))
        _ = try registry.intake(
            form(
                name: "丙", id: "440306198808155615", from: "110101", departed: "2022-07-01", arrived: "2022-07-02",
                category: "密接"))
        _ = try registry.check("甲", temperature: 37.5, symptoms: [], at: "2022-07-02 08:00")
        _ = try registry.check("甲", temperature: 36.6, symptoms: [], at: "2022-07-02 20:00")
        _ = try registry.recordTest("甲", sampled: day("2022-07-01"), result: .negative, resultOn: nil, lab: nil)
        _ = try registry.recordTest(
            "丙", sampled: day("2022-07-02"), result: .negative, resultOn: day("2022-07-03"), lab: nil)
        _ = try registry.recordTest(
            "丙", sampled: day("2022-07-04"), result: .positive, resultOn: day("2022-07-05"), lab: nil)
        _ = try registry.release("甲", on: day("2022-07-08"), reason: nil, force: false, actor: nil)
        return registry
    }

    // Day, new, by category, cumulative, central, due, done, missed, positives, fevers, released, zero.
    static let expected: [(String, Int, [String: Int], Int, Int, Int, Int, Int, Int, Int, Int, Bool)] = [
        ("2022-07-01", 2, ["high_risk": 1, "low_risk": 1], 2, 1, 1, 1, 0, 0, 0, 0, false),
        ("2022-07-02", 1, ["close_contact": 1], 3, 2, 2, 1, 0, 0, 1, 0, false),
        ("2022-07-03", 0, [:], 3, 2, 2, 0, 1, 0, 0, 0, true),
        ("2022-07-04", 0, [:], 3, 2, 1, 1, 3, 0, 0, 0, true),
        ("2022-07-05", 0, [:], 3, 2, 1, 0, 3, 1, 0, 0, false),
        ("2022-07-08", 0, [:], 3, 1, 1, 0, 2, 0, 0, 1, true),
        ("2022-07-10", 0, [:], 3, 0, 0, 0, 3, 0, 0, 0, true),
    ]

    @Test("every figure on each day of the scenario", arguments: expected.indices)
    func figures(index: Int) throws {
        let e = ReportTests.expected[index]
        let f = try scenario().reportFigures(on: day(e.0))
        #expect(f.new_arrivals == e.1, "new_arrivals")
        #expect(f.new_by_category == e.2, "new_by_category")
        #expect(f.cumulative_arrivals == e.3, "cumulative_arrivals")
        #expect(f.under_central_quarantine == e.4, "under_central_quarantine")
        #expect(f.tests_due == e.5, "tests_due")
        #expect(f.tests_done == e.6, "tests_done")
        #expect(f.tests_missed == e.7, "tests_missed")
        #expect(f.positives == e.8, "positives")
        #expect(f.fevers == e.9, "fevers")
        #expect(f.released == e.10, "released")
        #expect(f.isZeroReport == e.11, "is_zero_report")
    }

    @Test("home quarantine and monitoring are counted by the phase in force on the day")
    func phasesByKind() throws {
        let registry = try makeRegistry(now: "2022-07-20 09:00")
        _ = try registry.intake(
            form(
                name: "丙", id: "440306198808155615", from: "110101", departed: "2022-07-01", arrived: "2022-07-02",
                category: "密接"))
        _ = try registry.intake(
            form(
                name: "丁", id: "420102200101010017", from: "110101", departed: "2022-07-01", arrived: "2022-07-02",
                category: "次密接"))
        let onEighth = try registry.reportFigures(on: day("2022-07-08"))
        #expect(onEighth.under_central_quarantine == 1 && onEighth.under_home_quarantine == 1)
        let onNinth = try registry.reportFigures(on: day("2022-07-09"))
        #expect(onNinth.under_home_health_monitoring == 1 && onNinth.under_home_quarantine == 0)
    }

    @Test("a day with nothing to report is a zero report and can be submitted")
    func zeroReport() throws {
        let registry = try makeRegistry(now: "2022-07-20 09:00")
        let report = try registry.submitReport(on: day("2022-07-20"), reporter: "王会计", remarks: "无异常")
        #expect(report.isZeroReport && report.revision == 1)
        let json =
            try JSONSerialization.jsonObject(
                with: Data(JSONText.encode(try registry.report(on: day("2022-07-20")).json).utf8)) as! [String: Any]
        for key in [
            "village", "date", "revision", "submitted_at", "new_arrivals", "cumulative_arrivals",
            "under_central_quarantine",
            "under_home_quarantine", "under_home_health_monitoring", "under_health_monitoring", "tests_due",
            "tests_done",
            "tests_missed", "positives", "fevers", "released", "is_zero_report",
        ] {
            #expect(json[key] != nil, "\(key)")
        }
        #expect(json["is_zero_report"] as? Bool == true)
    }

    @Test("submitting again makes revision 2 of the same report; the registry changing since is flagged")
    func revisions() throws {
        let registry = try scenario()
        let first = try registry.submitReport(on: day("2022-07-10"), reporter: "王会计", remarks: nil)
        _ = try registry.check("丙", temperature: 38.2, symptoms: ["干咳"], at: "2022-07-10 15:00")
        let view = try registry.report(on: day("2022-07-10"))
        #expect(view.isStale && view.submittedFigures?.fevers == 0 && view.current.fevers == 1)
        let second = try registry.submitReport(on: day("2022-07-10"), reporter: nil, remarks: "更正：丙发热")
        #expect(second.revision == 2 && second.id == first.id && second.reporter == "王会计")
        #expect(second.firstSubmittedAt == first.submittedAt)
        #expect(try registry.writer.read { try DailyReport.fetchCount($0) } == 1)
        #expect(try !registry.report(on: day("2022-07-10")).isStale)
    }

    @Test("history: on time before the deadline, late after it, missing when never sent; a correction keeps on time")
    func history() throws {
        let box = NowBox(instant("2022-07-01 16:59"))
        let registry = try Registry.inMemory(clock: RegistryClock(now: { box.now }))
        _ = try registry.initialize(village: "110105001001", name: "测试村")
        _ = try registry.submitReport(on: day("2022-07-01"), reporter: "王", remarks: nil)
        box.now = instant("2022-07-01 20:00")
        _ = try registry.submitReport(on: day("2022-07-01"), reporter: "王", remarks: "更正")
        box.now = instant("2022-07-03 17:01")
        _ = try registry.submitReport(on: day("2022-07-03"), reporter: "王", remarks: nil)
        let days = try registry.reportHistory(from: day("2022-07-01"), to: day("2022-07-03"))
        #expect(days.map(\.status) == [.onTime, .missing, .late])
        #expect(days[0].revision == 2)
    }

    @Test("time zone: checks at 23:30 and 00:30 local belong to two different days")
    func timeZoneEdge() throws {
        let box = NowBox(Date(timeIntervalSince1970: 0))
        let registry = try Registry.inMemory(clock: RegistryClock(now: { box.now }))
        _ = try registry.initialize(village: "110105001001", name: "测试村")
        box.now = ISO8601DateFormatter().date(from: "2022-07-09T12:00:00Z")!
        _ = try registry.intake(form(arrived: "2022-07-02"))
        box.now = ISO8601DateFormatter().date(from: "2022-07-09T15:30:00Z")!  // 23:30 in Shanghai
        let late = try registry.check("张三", temperature: 37.8, symptoms: [], at: nil)
        #expect(late.check.takenAt == "2022-07-09 23:30")
        box.now = ISO8601DateFormatter().date(from: "2022-07-09T16:30:00Z")!  // 00:30 the next day
        let early = try registry.check("张三", temperature: 37.9, symptoms: [], at: nil)
        #expect(early.check.takenOn == day("2022-07-10"))
        #expect(try registry.reportFigures(on: day("2022-07-09")).fevers == 1)
        #expect(try registry.reportFigures(on: day("2022-07-10")).fevers == 1)
    }

    @Test("a report for a future day is refused")
    func futureDay() throws {
        let registry = try makeRegistry()
        #expect(throws: RegistryError.self) {
            try registry.submitReport(on: day("2022-07-11"), reporter: "王", remarks: nil)
        }
    }

    @Test("a clock set back below a time the registry has seen cannot make a late report look on time")
    func clockSetBack() throws {
        let box = NowBox(instant("2022-07-10 18:30"))
        let registry = try Registry.inMemory(clock: RegistryClock(now: { box.now }))
        _ = try registry.initialize(village: "110105001001", name: "测试村")
        _ = try registry.intake(form())  // a write at 18:30: the registry's clock high-water mark
        box.now = instant("2022-07-10 16:00")  // the clerk sets the computer back to before the 17:00 deadline
        let refused = #expect(throws: RegistryError.self) {
            try registry.submitReport(on: day("2022-07-10"), reporter: "王", remarks: nil)
        }
        #expect(refused?.field == .time)
        #expect(try registry.reportHistory(from: day("2022-07-10"), to: day("2022-07-10")).first?.status == .missing)
        box.now = instant("2022-07-10 18:25")  // a few minutes behind is within tolerance (a slightly slow clock)
        let report = try registry.submitReport(on: day("2022-07-10"), reporter: "王", remarks: nil)
        #expect(!Registry.isOnTime(report, deadline: instant("2022-07-10 17:00")))
    }
}
