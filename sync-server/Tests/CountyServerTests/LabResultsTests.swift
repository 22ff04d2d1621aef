import Foundation
import GRDB
@testable import RegistryCore
import RegistrySync
import Testing

/// 村报告、乡采样、县检测: the county imports the laboratory's sheet and each result reaches the village that took
/// the sample, at its next sync.
@Suite("Lab results through the county", .serialized)
struct LabResultsTests {
    @Test(
        "results import: a bad row refuses the file; matched results reach the village, also for a sample it never recorded; unregistered rows kept; a re-import changes nothing"
    )
    func results() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let village = try makeVillage(county, code: "110105001001")
        try intake(village, name: "欧阳娜娜", id: "420102199003071232")
        try intake(village, name: "李四", id: "11010519491231002X")
        _ = try village.recordTest(
            "420102199003071232", sampled: Day("2022-07-04")!, result: .pending, resultOn: nil, lab: nil)
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()

        try county.write(
            "bad.csv",
            "身份证号,姓名,采样日期,结果,检测机构\n420102199003071232,欧阳娜娜,2022-07-04,阳性,县疾控\n420102199003071233,王五,2022-07-04,阳性,县疾控\n"
        )
        #expect(try county.refusal(["results", "import", county.path("bad.csv")]).hasPrefix("line 3: "))
        try county.write(
            "results.csv",
            """
            身份证号,姓名,采样日期,结果,检测机构
            420102199003071232,欧阳娜娜,2022-07-04,阴性,县疾控中心
            11010519491231002X,李四,2022-07-04,阴性,县疾控中心
            440106199001011235,赵六,2022-07-04,阳性,县疾控中心
            """)
        let imported = try county.command(["results", "import", county.path("results.csv")])
        // 李四's sample was never typed at the village (the township took it): the result is written all the same.
        #expect(
            imported.hasPrefix("检测结果：写入 2（阳性 0，村里未录采样 1），已有相同结果 0，未登记 1（已留县里待落地），结果冲突未写 0"),
            "\(imported)")
        #expect(imported.contains("第 4 行 赵六 440106********1235") && imported.contains("没有登记此人"))
        let first = try await SyncSession(registry: village, transport: county.transport(token)).run()
        #expect(first.positives.isEmpty && !first.text(.zh).contains("阳性"))
        #expect(
            try county.command(["results", "import", county.path("results.csv")])
                .hasPrefix("检测结果：写入 0（阳性 0，村里未录采样 0），已有相同结果 2"))

        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        let test = try await village.writer.read { db in
            try LabTest.filter(Column("sampled_on") == "2022-07-04").fetchOne(db)
        }
        #expect(test?.result == .negative && test?.lab == "县疾控中心" && test?.resultOn != nil)
        // A different result for a sample the village has a result for is not written over.
        try county.write(
            "conflict.csv", "id_number,name,sampled_on,result\n420102199003071232,欧阳娜娜,2022-07-04,positive\n")
        #expect(
            try county.command(["results", "import", county.path("conflict.csv"), "--lang", "en"])
                .hasPrefix(
                    "results: 0 recorded (0 positive, 0 samples the village had not recorded), 0 already there, 0 registered nowhere (kept at the county), 1 conflicting"
                ))

        // A positive: at its next sync the village escalates the person's measure, as if the clerk had typed it.
        _ = try village.recordTest(
            "11010519491231002X", sampled: Day("2022-07-05")!, result: .pending, resultOn: nil, lab: nil)
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        try county.write(
            "positive.csv", "id_number,name,sampled_on,result,lab\n11010519491231002X,李四,2022-07-05,positive,县疾控中心\n")
        #expect(try county.command(["results", "import", county.path("positive.csv")]).hasPrefix("检测结果：写入 1（阳性 1，"))
        let report = try await SyncSession(registry: village, transport: county.transport(token)).run()
        #expect(report.positives == ["李四"])
        #expect(report.text(.zh).hasPrefix("县检测结果阳性：李四。已升级管控") && report.text(.zh).contains("\n同步完成："))
        let (status, actor) = try await village.writer.read { db -> (String?, String?) in
            let person = try #require(try Person.filter(Column("id_number") == "11010519491231002X").fetchOne(db))
            let measure = try #require(try Measure.filter(Column("person_id") == person.id).fetchOne(db))
            let event = try MeasureEvent.filter(Column("measure_id") == measure.id && Column("action") == "escalated")
                .fetchOne(db)
            return (measure.status.rawValue, event?.actor)
        }
        #expect(status == "escalated" && actor == "县检测结果")
        // The county's merge run lists the positive of the day (its result came in today) with its village.
        let merge = try county.command(["merge", "--format", "json"])
        #expect(merge.contains("\"positives\"") && merge.contains("11010519491231002X"), "\(merge.suffix(600))")
    }
}
