import Foundation
import Testing

@testable import RegistryCore

/// Places by name (issue 15): the embedded gazetteer and everywhere a place is entered.
@Suite("Gazetteer")
struct GazetteerTests {
    let g = Gazetteer.shared

    func code(_ text: String) -> String? {
        if case .place(let place) = g.resolve(text) { return place.code }
        return nil
    }

    @Test("exact names, names without their suffix, with or without province and prefecture, pinyin and initials")
    func names() {
        #expect(code("江岸区") == "420102")
        #expect(code("藁城") == "130109")
        #expect(code("石家庄藁城") == "130109" && code("河北省石家庄市藁城区") == "130109" && code("河北藁城") == "130109")
        #expect(code("武汉市江岸区") == "420102" && code("湖北武汉江岸") == "420102")
        #expect(code("gaocheng") == "130109" && code("GaoCheng") == "130109")
        #expect(code("北京市") == "110000" && code("上海浦东新区") == "310115")
        #expect(g.path(g.place(code: "420102")!) == "湖北省武汉市江岸区")
        #expect(code("火星") == nil)
    }

    @Test("an exported place (name and code in brackets of either width) reads back as that code and name")
    func exportedPlace() throws {
        let full = try Validate.place("湖北省武汉市江岸区（420102）")
        #expect(full.code == "420102" && full.name == "湖北省武汉市江岸区")
        let ascii = try Validate.place("某街道 (420102003)")
        #expect(ascii.code == "420102003" && ascii.name == "某街道")
        #expect(Validate.nameAndCode("（420102）") == nil && Validate.nameAndCode("江岸区（4201a2）") == nil)
        #expect(Validate.nameAndCode("江岸区（12）") == nil && Validate.nameAndCode("江岸区 420102") == nil)
    }

    @Test("an ambiguous name lists every candidate with its path; a fuller name or the pinyin of a rare one decides")
    func ambiguity() throws {
        guard case .ambiguous(let places) = g.resolve("朝阳区") else {
            Issue.record("朝阳区 should be ambiguous")
            return
        }
        #expect(places.map(\.code) == ["110105", "220104"])
        #expect(code("北京朝阳区") == "110105" && code("长春朝阳") == "220104")
        #expect(throws: RegistryError.self) { try Validate.place("朝阳区") }
        do {
            _ = try Validate.place("朝阳区")
        } catch let error as RegistryError {
            #expect(error.message(.zh).contains("北京市朝阳区（110105）") && error.message(.zh).contains("吉林省长春市朝阳区（220104）"))
        }
        guard case .ambiguous = g.resolve("gc") else {
            Issue.record("gc is the initials of several places")
            return
        }
    }

    @Test(
        "a replaced code resolves to its successor, with a note; a code of a street keeps its digits and reads its district's name"
    )
    func replacedCodes() throws {
        let replaced = try Validate.place("130526")  // 任县 became 任泽区 (130505)
        #expect(replaced.code == "130505" && replaced.note?.zh.contains("已调整为 130505") == true)
        let street = try Validate.place("420102003")
        #expect(street.code == "420102003" && street.name == "湖北省武汉市江岸区" && street.note == nil)
        let partly = try Validate.place("湖北省武汉市江岸区二七街道")
        #expect(partly.code == "420102" && partly.note?.zh.contains("二七街道") == true)
    }

    @Test("countries: Chinese names, everyday names, English names, ISO numeric codes; a stay abroad is inbound")
    func countries() throws {
        #expect(code("美国") == "840" && code("韩国") == "410" && code("United States") == "840")
        #expect(try Validate.place("840").name == "美国")
        #expect(throws: RegistryError.self) { try Validate.place("美国", abroad: false) }
        let registry = try makeRegistry()
        let outcome = try registry.intake(form(from: "美国", departed: "2022-07-08", arrived: "2022-07-09"))
        #expect(outcome.arrival.category == .inbound && outcome.arrival.stays.first?.code == "840")
    }

    @Test("a CSV with place names only, and a risk-area list with names, resolve through the gazetteer")
    func files() throws {
        let registry = try makeRegistry()
        let areas = try registry.importRiskAreas(
            try CSVFile(
                data: Data(
                    """
                    name,level,in_force_from,lifted_on
                    石家庄藁城,高,2022-07-01,
                    湖北省武汉市江岸区二七街道,中,2022-07-01,

                    """.utf8), file: "ra.csv"))
        #expect(areas.added == 2 && areas.partial.count == 1 && areas.partial[0].zh.contains("第 3 行"))
        #expect(Set(try registry.riskAreas().map(\.code)) == ["130109", "420102"])
        let csv =
            "姓名,身份证号,来源地,离开日期,到达日期\n张三,420102199003071232,石家庄藁城,2022-07-08,2022-07-09\n李四,11010519491231002X,朝阳区,2022-07-08,2022-07-09\n"
        let whole = try registry.importArrivals(try CSVFile(data: Data(csv.utf8), file: "a.csv"))
        #expect(!whole.written && whole.rejected.count == 1)
        let report = try registry.importArrivals(try CSVFile(data: Data(csv.utf8), file: "a.csv"), mode: .skipInvalid)
        #expect(report.imported == 1 && report.rejected.first?.error.message(.zh).contains("吉林省长春市朝阳区（220104）") == true)
        let zhang = try registry.file("420102199003071232").current!.arrival
        #expect(zhang.stays.first?.code == "130109" && zhang.stays.first?.name == "河北省石家庄市藁城区")
        #expect(zhang.category == .highRisk)
    }

    @Test("10,000 names as an import has them all resolve (their time is measured by registry-bench places)")
    func manyNames() {
        let names = ["石家庄藁城", "江岸区", "gaocheng", "美国", "湖北武汉江岸", "浦东新区", "北京朝阳区", "长沙市"]
        var found = 0
        for i in 0..<10_000 { if case .place = g.resolve(names[i % names.count]) { found += 1 } }
        #expect(found == 10_000)
    }
}
