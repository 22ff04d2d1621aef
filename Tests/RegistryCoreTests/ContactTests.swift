import Foundation
import GRDB
import Testing

@testable import RegistryCore

/// Households and contacts (issue 23): when one turns positive, nobody around them is missed.
@Suite("Contacts and households")
struct ContactTests {
    /// 张三 came back with 李四 (registered here, another household) and 王五 (registered nowhere yet); at home live
    /// 张母 (did not travel) and 张妻 (came back from nearby, same address).
    func village(now: String = "2022-07-10 09:00") throws -> Registry {
        let registry = try makeRegistry(now: now)
        var zhang = form(
            name: "张三", id: "420102199003071232", from: "310101", departed: "2022-07-08", arrived: "2022-07-09")
        zhang.address = "一组3号"
        zhang.companions = ["11010519491231002X；110101199001011237"]
        _ = try registry.intake(zhang)
        var li = form(
            name: "李四", id: "11010519491231002X", from: "310101", departed: "2022-07-08", arrived: "2022-07-09")
        li.address = "二组5号"
        _ = try registry.intake(li)
        _ = try registry.addHouseholdMember(
            to: "420102199003071232", name: "张母", idNumber: "110105195001011234", phone: "13900139000"
        ).get()
        var wife = form(
            name: "张妻", id: "110105199201011237", from: "110105", departed: "2022-07-09", arrived: "2022-07-09")
        wife.address = "一组3号"
        _ = try registry.intake(wife)
        return registry
    }

    func tests(_ registry: Registry, _ person: String) throws -> [LabTest] {
        try registry.file(person).current?.tests ?? []
    }

    @Test("a household forms by address or by the clerk's choice; show lists the members, links read both ways")
    func households() throws {
        let registry = try village()
        let zhang = try registry.file("420102199003071232")
        #expect(Set(zhang.household.map(\.name)) == ["张母", "张妻"])
        #expect(zhang.links.map(\.idNumber).sorted() == ["110101199001011237", "11010519491231002X"])
        let allNamedByHim = zhang.links.allSatisfy { $0.recordedHere }
        #expect(allNamedByHim)
        let li = try registry.file("11010519491231002X")
        #expect(li.household.isEmpty)
        let first = try #require(li.links.first)
        #expect(first.other?.name == "张三" && !first.recordedHere)
        let groups = try registry.households(on: day("2022-07-10"))
        #expect(groups.map { $0.members.count }.sorted() == [1, 3])
        #expect(
            try registry.file("110105195001011234").trips.isEmpty, "a household member who did not travel has no trip")
    }

    @Test("a positive puts household members and companions under the close-contact plan, each with a test that day")
    func positiveMovesEveryone() throws {
        let registry = try village()
        let before = try registry.reportFigures(on: day("2022-07-10"))
        let outcome = try registry.recordTest(
            "420102199003071232", sampled: day("2022-07-10"), result: .positive, resultOn: nil, lab: nil)
        #expect(outcome.escalated)
        let moved = Dictionary(uniqueKeysWithValues: outcome.contacts.map { ($0.person.name, $0) })
        #expect(Set(moved.keys) == ["张母", "张妻", "李四"])
        #expect(moved["张母"]?.dayZero == day("2022-07-10") && moved["张妻"]?.dayZero == day("2022-07-10"))
        #expect(moved["李四"]?.dayZero == day("2022-07-08"), "a companion's day 0 is the shared trip's departure")
        #expect(moved["张母"]?.reason == "密接：与 张三 同住" && moved["李四"]?.reason == "密接：与 张三 同行")
        for (id, name) in [("110105195001011234", "张母"), ("110105199201011237", "张妻"), ("11010519491231002X", "李四")] {
            let file = try registry.file(id)
            let trip = try #require(file.current, "\(name)")
            #expect(trip.arrival.category == .closeContact, "\(name)")
            #expect(trip.measure.status == .active && trip.measure.phases.first?.kind == .centralQuarantine, "\(name)")
            #expect(
                trip.tests.filter { $0.dueOn == day("2022-07-10") }.count == 1, "\(name): one test due that same day")
            #expect(trip.events.contains { $0.reason.hasPrefix("密接：与 张三") }, "\(name): the plan change says why")
        }
        // 9th edition: 7 days central from day 0, then 3 of home health monitoring.
        let li = try #require(try registry.file("11010519491231002X").current?.measure)
        #expect(
            li.phases.map { "\($0.kind.rawValue) \($0.endsOn)" } == [
                "central_quarantine 2022-07-15", "home_health_monitoring 2022-07-18",
            ])
        #expect(try registry.file("110105195001011234").current?.arrival.source == .contactTracing)
        // The work list shows them first until sampled; the report counts households and no new arrivals.
        let list = try registry.workList(on: day("2022-07-10"))
        #expect(Set(list.new_contacts.map(\.name)) == ["张母", "张妻", "李四"])
        let figures = try registry.reportFigures(on: day("2022-07-10"))
        #expect(
            figures.new_arrivals == before.new_arrivals && figures.cumulative_arrivals == before.cumulative_arrivals)
        #expect(figures.households_under_measure == 2)
        _ = try registry.recordTest("张母", sampled: day("2022-07-10"), result: .negative, resultOn: nil, lab: nil)
        #expect(Set(try registry.workList(on: day("2022-07-10")).new_contacts.map(\.name)) == ["张妻", "李四"])
    }

    @Test(
        "a second positive in the same household duplicates nothing; a companion registered later is a contact at once")
    func secondPositiveAndLateCompanion() throws {
        let registry = try village()
        _ = try registry.recordTest(
            "420102199003071232", sampled: day("2022-07-10"), result: .positive, resultOn: nil, lab: nil)
        let counts = { (id: String) throws -> (Int, Int) in
            let file = try registry.file(id)
            return (file.trips.count, file.trips.flatMap(\.tests).count)
        }
        let mother = try counts("110105195001011234")
        let second = try registry.recordTest(
            "110105199201011237", sampled: day("2022-07-10"), result: .positive, resultOn: nil, lab: nil)
        #expect(second.contacts.map(\.person.name) == ["张母"] && second.contacts.first?.planChanged == false)
        #expect(try counts("110105195001011234") == mother, "no second trip, no second test")
        #expect(
            try registry.file("420102199003071232").current?.measure.status == .escalated,
            "a positive is never made a contact")
        let replay = try registry.recordTest(
            "110105199201011237", sampled: day("2022-07-10"), result: .positive, resultOn: nil, lab: nil)
        #expect(replay.contacts.isEmpty)
        // 王五 was named as a companion before anyone had registered him.
        var wang = form(
            name: "王五", id: "110101199001011237", from: "310101", departed: "2022-07-08", arrived: "2022-07-09")
        wang.phone = ""
        let late = try registry.intake(wang)
        #expect(late.contacts.first?.reason == "密接：与 张三 同行")
        #expect(late.measure.phases.first?.kind == .centralQuarantine)
        #expect(try registry.file("110101199001011237").links.first?.recordedHere == false)
    }

    @Test("a companion of a positive who arrives by import is a contact at once, as by intake")
    func importedCompanion() throws {
        let registry = try village()
        _ = try registry.recordTest(
            "420102199003071232", sampled: day("2022-07-10"), result: .positive, resultOn: nil, lab: nil)
        let csv = try CSVFile(
            data: Data(
                ("身份证号,姓名,来源地代码,离开日期,到达日期\r\n"
                    + "110101199001011237,王五,310101,2022-07-08,2022-07-09\r\n").utf8), file: "x.csv")
        let report = try registry.importArrivals(csv)
        #expect(report.imported == 1 && report.rejected.isEmpty, "\(report.rejected)")
        let wang = try registry.file("110101199001011237")
        #expect(wang.current?.measure.phases.first?.kind == .centralQuarantine)
        #expect(wang.current?.measure.reason == "密接：与 张三 同行", "\(String(describing: wang.current?.measure.reason))")
    }

    @Test("the contact plan follows the policy of its era: 8th, 9th, 20measures")
    func planPerEra() throws {
        for (now, expected) in [
            ("2021-08-10 09:00", ["central_quarantine 2021-08-24", "home_health_monitoring 2021-08-31"]),
            ("2022-07-10 09:00", ["central_quarantine 2022-07-17", "home_health_monitoring 2022-07-20"]),
            ("2022-12-01 09:00", ["central_quarantine 2022-12-06", "home_quarantine 2022-12-09"]),
        ] {
            let registry = try makeRegistry(now: now)
            let today = registry.clock.today
            var zhang = form(
                name: "张三", id: "420102199003071232", from: "310101", departed: "\(today.adding(days: -2))",
                arrived: "\(today.adding(days: -1))")
            zhang.address = "一组3号"
            _ = try registry.intake(zhang)
            _ = try registry.addHouseholdMember(to: "张三", name: "张母", idNumber: "110105195001011234", phone: nil).get()
            let moved = try registry.recordTest("张三", sampled: today, result: .positive, resultOn: nil, lab: nil)
                .contacts
            #expect(moved.first?.measure.phases.map { "\($0.kind.rawValue) \($0.endsOn)" } == expected, "\(now)")
        }
    }

    @Test("contact add registers or links a contact and applies the same rules; bad input writes nothing")
    func contactByHand() throws {
        let registry = try village()
        _ = try registry.recordTest(
            "420102199003071232", sampled: day("2022-07-10"), result: .positive, resultOn: nil, lab: nil)
        let colleague = try registry.addContact(
            to: "420102199003071232", name: "赵六", idNumber: "110101198001011232", phone: nil,
            relation: "同事", lastContact: "2022-07-07", elsewhere: false)
        #expect(colleague.isNewPerson && colleague.outcome?.dayZero == day("2022-07-07"))
        let elsewhere = try registry.addContact(
            to: "420102199003071232", name: "钱七", idNumber: "110101197001011238", phone: nil,
            relation: "其他", lastContact: nil, elsewhere: true)
        #expect(elsewhere.person == nil && elsewhere.outcome == nil)
        let before = try snapshot(registry)
        #expect(throws: RegistryError.self) {
            _ = try registry.addContact(
                to: "420102199003071232", name: "孙八", idNumber: "110101197001011239", phone: nil,
                relation: "同住", lastContact: nil, elsewhere: false)
        }
        #expect(throws: RegistryError.self) {
            _ = try registry.addContact(
                to: "420102199003071232", name: "孙八", idNumber: "110101197001011238", phone: nil,
                relation: "邻居", lastContact: nil, elsewhere: false)
        }
        #expect(try snapshot(registry) == before)
    }
}
