import Foundation
import Testing

@testable import RegistryCore

@Suite("Work list (今日工作清单)")
struct WorkListTests {
    @Test("on a fixed day: tests due and overdue, checks not taken twice, measures ending, leads")
    func fixedDay() throws {
        let registry = try makeRegistry(now: "2022-07-03 09:00")
        _ = try registry.importRiskAreas(
            try CSVFile(
                data: Data("code,name,level,in_force_from\n420102,江岸区,高,2022-06-20\n310115,浦东,中,2022-06-01\n".utf8),
                file: "ra.csv"))
        _ = try registry.intake(
            form(name: "甲", id: "420102199003071232", from: "420102", departed: "2022-06-30", arrived: "2022-07-01"))
        _ = try registry.intake(
            form(name: "乙", id: "32010219751201003X", from: "310115", departed: "2022-06-26", arrived: "2022-06-28"))
        _ = try registry.intake(
            form(name: "丙", id: "440306198808155615", from: "110101", departed: "2022-07-01", arrived: "2022-07-02"))
        _ = try registry.recordTest("甲", sampled: day("2022-07-01"), result: .negative, resultOn: nil, lab: nil)
        for sampled in ["2022-06-28", "2022-06-30", "2022-07-03"] {  // 乙: landing test, day 4, day 7
            _ = try registry.recordTest("乙", sampled: day(sampled), result: .negative, resultOn: nil, lab: nil)
        }
        _ = try registry.check("甲", temperature: 36.5, symptoms: [], at: "2022-07-03 07:30")
        _ = try registry.check("乙", temperature: 36.5, symptoms: [], at: "2022-07-03 07:40")
        _ = try registry.check("乙", temperature: 36.4, symptoms: [], at: "2022-07-03 08:40")
        try registry.write { _, recorder, settings in
            try recorder.insert(
                Lead(
                    id: "lead-1", village: settings.village, name: "戊", idNumber: nil, phone: "13900139000",
                    fromCode: "420102", fromName: "江岸区", reason: "大数据推送", deadline: day("2022-07-02"),
                    outcome: nil, outcomeOn: nil, personId: nil, deleted: false))
        }

        let list = try registry.workList(on: day("2022-07-03"))
        #expect(list.tests_due.map(\.name) == ["甲"])
        #expect(list.tests_overdue.map { "\($0.name) \($0.on!)" } == ["甲 2022-07-02"])
        // 乙 took two, 丙 has no measure
        #expect(list.checks_missing.map { "\($0.name) \($0.checks_taken!)" } == ["甲 1"])
        #expect(list.measures_ending.map(\.name) == ["乙"])
        #expect(list.leads.map { "\($0.name) \($0.overdue)" } == ["戊 true"])
        #expect(list.text(.zh).contains("逾期未检核酸（1）"))
    }
}
