import Foundation
import Testing

@testable import RegistryCore

/// DESIGN.md's policy table, written out independently of schema/policies so that a wrong data file fails here.
/// (version, category, phases as kind×days, test days)
let designTable: [(String, Category, [(MeasureKind, Int)], [Int])] = [
    ("8th", .closeContact, [(.centralQuarantine, 14), (.homeHealthMonitoring, 7)], [1, 4, 7, 14, 16, 21]),
    ("8th", .inbound, [(.centralQuarantine, 14), (.homeHealthMonitoring, 7)], [1, 4, 7, 14, 16, 21]),
    ("8th", .highRisk, [(.centralQuarantine, 14)], [1, 4, 7, 10, 14]),
    ("8th", .midRisk, [(.homeQuarantine, 14)], [1, 4, 7, 10, 14]),
    ("8th", .lowRiskSameCounty, [(.homeHealthMonitoring, 14)], [1, 7, 14]),
    ("8th", .secondaryContact, [(.centralQuarantine, 7)], [1, 4, 7]),
    ("8th", .lowRisk, [], []),
    ("9th", .closeContact, [(.centralQuarantine, 7), (.homeHealthMonitoring, 3)], [1, 2, 3, 5, 7, 10]),
    ("9th", .inbound, [(.centralQuarantine, 7), (.homeHealthMonitoring, 3)], [1, 2, 3, 5, 7, 10]),
    ("9th", .highRisk, [(.centralQuarantine, 7)], [1, 2, 3, 5, 7]),
    ("9th", .midRisk, [(.homeQuarantine, 7)], [1, 4, 7]),
    ("9th", .lowRiskSameCounty, [(.healthMonitoring, 3)], [1, 2]),
    ("9th", .secondaryContact, [(.homeQuarantine, 7)], [1, 4, 7]),
    ("9th", .lowRisk, [], []),
    ("20measures", .closeContact, [(.centralQuarantine, 5), (.homeQuarantine, 3)], [1, 2, 3, 5, 6, 8]),
    ("20measures", .inbound, [(.centralQuarantine, 5), (.homeQuarantine, 3)], [1, 2, 3, 5, 6, 8]),
    ("20measures", .highRisk, [(.homeQuarantine, 7)], [1, 3, 5, 7]),
    ("20measures", .midRisk, [], []),
    ("20measures", .lowRiskSameCounty, [], []),
    ("20measures", .secondaryContact, [], []),
    ("20measures", .lowRisk, [], []),
]

@Suite("Policy tables")
struct PolicyTableTests {
    @Test("every version and category plans as DESIGN.md says (arrival on day 1)", arguments: designTable.indices)
    func table(index: Int) throws {
        let (version, category, phases, tests) = designTable[index]
        let policy = try #require(PolicyBook().version(version))
        let day0 = day("2022-12-01")
        let plan = Planner.plan(rule: policy.rule(for: category), dayZero: day0, arrived: day0.adding(days: 1))
        var expected: [Phase] = []
        var elapsed = 0
        for (kind, days) in phases {
            expected.append(
                Phase(kind: kind, startsOn: day0.adding(days: elapsed + 1), endsOn: day0.adding(days: elapsed + days)))
            elapsed += days
        }
        #expect(plan.phases == expected)
        #expect(plan.testDays == tests.map { day0.adding(days: $0) })
    }

    @Test("the version in force is the latest effective on or before the arrival date")
    func versionInForce() {
        let book = PolicyBook()
        #expect(book.inForce(on: day("2021-05-11")).version == "8th")
        #expect(book.inForce(on: day("2022-06-27")).version == "8th")
        #expect(book.inForce(on: day("2022-06-28")).version == "9th")
        #expect(book.inForce(on: day("2022-11-10")).version == "9th")
        #expect(book.inForce(on: day("2022-11-11")).version == "20measures")
        #expect(PolicyBook(pinned: "8th").inForce(on: day("2022-12-01")).version == "8th")
    }

    @Test(
        "a malformed policy file is refused naming the file, the entry and the problem",
        arguments: [
            (
                #"{"version":"x","effective_from":"2022-01-01","rules":[{"categories":["high_risk"],"phases":[{"kind":"central_quarantine","days":0}],"test_days":[1]}]}"#,
                "county.json: rules[0].phases[0].days"
            ),
            (
                #"{"version":"x","effective_from":"2022-01-01","rules":[{"categories":["very_high"],"phases":[{"kind":"central_quarantine","days":7}],"test_days":[1]}]}"#,
                "county.json: rules[0].categories[0]"
            ),
            (#"{"version":"x","effective_from":"2022-13-01","rules":[]}"#, "county.json: effective_from"),
            (
                #"{"version":"x","effective_from":"2022-01-01","rules":[{"categories":["high_risk"],"phases":[{"kind":"central_quarantine","days":7}],"test_days":[5,1]}]}"#,
                "county.json: rules[0].test_days"
            ),
            (
                #"{"version":"x","effective_from":"2022-01-01","rules":[{"categories":["high_risk"],"phases":[{"kind":"central_quarantine","days":7}],"test_days":[1]},{"categories":["high_risk"],"phases":[{"kind":"home_quarantine","days":7}],"test_days":[1]}]}"#,
                "county.json: rules[1].categories[0]"
            ),
            ("{not json", "county.json"),
        ])
    func malformed(json: String, entry: String) {
        #expect { try Policy(json: Data(json.utf8), file: "county.json") } throws: { error in
            (error as? RegistryError)?.message(.en).hasPrefix("policy: \(entry)") ?? false
        }
    }
}

@Suite("Planning: day 0, 填平补齐, 落地检")
struct PlannerTests {
    let ninth = PolicyBook().version("9th")!

    @Test("arriving on day 0: under the first phase from that day; no landing test")
    func dayZeroArrival() {
        let d0 = day("2022-07-01")
        let plan = Planner.plan(rule: ninth.rule(for: .highRisk), dayZero: d0, arrived: d0)
        #expect(plan.phases == [Phase(kind: .centralQuarantine, startsOn: d0, endsOn: day("2022-07-08"))])
        #expect(plan.testDays == [1, 2, 3, 5, 7].map { d0.adding(days: $0) })
    }

    @Test("arriving on day 4: the phase starts on arrival, missed tests give one on arrival (落地检)")
    func lateArrival() {
        let d0 = day("2022-07-01")
        let plan = Planner.plan(rule: ninth.rule(for: .highRisk), dayZero: d0, arrived: d0.adding(days: 4))
        #expect(
            plan.phases == [Phase(kind: .centralQuarantine, startsOn: day("2022-07-05"), endsOn: day("2022-07-08"))])
        #expect(plan.testDays == [day("2022-07-05"), day("2022-07-06"), day("2022-07-08")])
    }

    @Test("arriving on a listed test day: that test, no extra landing test")
    func arrivalOnTestDay() {
        let d0 = day("2022-07-01")
        let plan = Planner.plan(rule: ninth.rule(for: .highRisk), dayZero: d0, arrived: d0.adding(days: 5))
        #expect(plan.testDays == [day("2022-07-06"), day("2022-07-08")])
    }

    @Test("arriving after the first phase: it is dropped, the second phase stays")
    func firstPhaseOver() {
        let d0 = day("2022-07-01")
        let plan = Planner.plan(rule: ninth.rule(for: .closeContact), dayZero: d0, arrived: d0.adding(days: 9))
        #expect(
            plan.phases == [Phase(kind: .homeHealthMonitoring, startsOn: day("2022-07-10"), endsOn: day("2022-07-11"))])
        #expect(plan.testDays == [day("2022-07-10"), day("2022-07-11")])
    }

    @Test("arriving after the whole period: no measure, no test")
    func periodOver() {
        let d0 = day("2022-07-01")
        let plan = Planner.plan(rule: ninth.rule(for: .closeContact), dayZero: d0, arrived: d0.adding(days: 11))
        #expect(plan.isNone)
        #expect(plan.testDays.isEmpty)
    }
}

@Suite("Classification by risk areas")
struct ClassifierTests {
    func area(_ code: String, _ level: RiskLevel, _ from: String, _ lifted: String? = nil) -> RiskArea {
        RiskArea(
            id: code, village: "110105", code: code, name: code, level: level, inForceFrom: day(from),
            liftedOn: lifted.map(day), deleted: false)
    }

    func stay(_ code: String, _ from: String?, _ to: String) -> Stay {
        Stay(code: code, name: code, from: from.map(day), to: day(to))
    }

    @Test("a village inside a township inside a county area: code nesting")
    func nesting() {
        let areas = [area("420102", .mid, "2022-06-01"), area("420102003", .high, "2022-06-01")]
        let inTownship = Classifier.classify(
            stays: [stay("420102003001", nil, "2022-07-01")], departed: day("2022-07-01"),
            areas: areas)
        #expect(inTownship.category == .highRisk)
        let elsewhere = Classifier.classify(
            stays: [stay("420102005001", nil, "2022-07-01")], departed: day("2022-07-01"),
            areas: areas)
        #expect(elsewhere.category == .midRisk)
    }

    @Test("the rest of a county with a risk area is low_risk_same_county; another county is low_risk")
    func sameCounty() {
        let areas = [area("420102003", .high, "2022-06-01")]
        #expect(
            Classifier.classify(
                stays: [stay("420102005", nil, "2022-07-01")], departed: day("2022-07-01"),
                areas: areas
            ).category == .lowRiskSameCounty)
        #expect(
            Classifier.classify(
                stays: [stay("420102", nil, "2022-07-01")], departed: day("2022-07-01"),
                areas: areas
            ).category == .lowRiskSameCounty)
        #expect(
            Classifier.classify(
                stays: [stay("420103", nil, "2022-07-01")], departed: day("2022-07-01"),
                areas: areas
            ).category == .lowRisk)
    }

    @Test(
        "overlap: a stay counts only while the area was in force",
        arguments: [
            ("2022-06-01" as String?, "2022-06-09", nil as String?, Category.lowRisk),  // left before it started
            ("2022-06-01", "2022-06-10", nil, .highRisk),  // left on its first day
            ("2022-06-20", "2022-06-25", "2022-06-20", .lowRisk),  // came on the day it was lifted
            ("2022-06-15", "2022-06-25", "2022-06-20", .highRisk),  // there while in force
            (nil, "2022-06-19", "2022-06-20", .highRisk),  // start unknown: departure day alone
            (nil, "2022-06-20", "2022-06-20", .lowRisk),
        ])
    func overlap(from: String?, to: String, lifted: String?, expected: Category) {
        let areas = [area("420102", .high, "2022-06-10", lifted)]
        let result = Classifier.classify(stays: [stay("420102001", from, to)], departed: day(to), areas: areas)
        #expect(result.category == expected)
    }

    @Test("day 0 is the last day exposed: the stay's end, or the day before the area was lifted")
    func dayZero() {
        let areas = [area("420102", .high, "2022-06-10", "2022-06-20")]
        let result = Classifier.classify(
            stays: [stay("420102", "2022-06-15", "2022-06-25")], departed: day("2022-06-25"),
            areas: areas)
        #expect(result.dayZero == day("2022-06-19"))
    }

    @Test("the riskiest stay of a trip wins, with its own day 0")
    func riskiest() {
        let areas = [area("420102", .mid, "2022-06-01"), area("310115", .high, "2022-06-01")]
        let result = Classifier.classify(
            stays: [stay("310115", "2022-06-20", "2022-06-25"), stay("420102", "2022-06-26", "2022-07-01")],
            departed: day("2022-07-01"), areas: areas)
        #expect(result.category == .highRisk)
        #expect(result.dayZero == day("2022-06-25"))
    }

    @Test(
        "a clerk's override adds to the travel history and never lowers it: the stricter plan under the policy wins",
        arguments: [
            // (stay code, override, policy, expected category): 9th: high_risk central 7 > secondary_contact home 7.
            ("420102", Category.secondaryContact, "9th", Category.highRisk),
            ("420102", .closeContact, "9th", .closeContact),  // central 7 + home health 3 > central 7
            ("110105", .closeContact, "9th", .closeContact),  // low risk: nothing to lower
            ("420102", .secondaryContact, "20measures", .highRisk),  // home 7 > none
            ("110105", .secondaryContact, "20measures", .secondaryContact),  // none = none: the clerk's word is kept
        ])
    func overrideNeverLowers(code: String, override: Category, version: String, expected: Category) throws {
        let areas = [area("420102", .high, "2022-06-01")]
        let policy = try #require(PolicyBook().version(version))
        let (result, _) = Classifier.decide(
            stays: [stay(code, nil, "2022-07-01")], departed: day("2022-07-01"), arrived: day("2022-07-02"),
            override: override, areas: areas, policy: policy)
        #expect(result.category == expected)
        #expect(result.dayZero == day("2022-07-01"))
    }

}

@Test("a policy version is shown as people name it: 第九版, 二十条, 第八版; an unknown one as it is")
func policyLabels() {
    #expect(PolicyBook.label("9th") == "第九版")
    #expect(PolicyBook.label("20measures") == "二十条")
    #expect(PolicyBook.label("8th") == "第八版")
    #expect(PolicyBook.label("county-2022-12") == "county-2022-12")
}
