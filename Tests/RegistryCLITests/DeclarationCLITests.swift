import Foundation
import Testing

@testable import RegistryCore

/// A returnee's self-declaration, arrived from the county as a lead (issue 16), through the built binary: `today`
/// lists it, `intake --lead` registers from it (flags correcting what was declared) and closes it.
@Suite("intake from a declaration", .serialized)
struct DeclarationCLITests {
    @Test(
        "today lists the declaration; intake --lead fills the form from it, a flag corrects a field, the lead closes once"
    )
    func intakeFromLead() throws {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "东村"]).status == 0)
        // The lead as a pull from the county writes it (the county made it from the declaration page's fields).
        let registry = try Registry.open(path: cli.db, now: { Date() })
        let declared = try Declaration.lead(
            Declaration.form([
                "name": "李四", "id_number": "32010219751201003X", "phone": "13700137000", "from": "上海市浦东新区",
                "departed": "2022-07-07", "arrived": "2022-07-09", "address": "五组2号", "transport": "火车",
            ]),
            village: "110105001001", today: Day("2022-07-09")!, declaredAt: "2022-07-09T20:00:00+08:00")
        try registry.write { _, recorder, _ in try recorder.insert(declared) }

        let today = try cli.run(["today"])
        // The clerk is shown the person, not a record id (issue 37, item 12), and names the lead by the id number.
        #expect(today.out.contains("待核实的自主申报（1）") && !today.out.contains(declared.id) && today.out.contains("李四"))
        #expect(today.out.contains("registry intake --lead 身份证号"), "\(today.out)")
        let intake = try cli.run([
            "intake", "--lead", "32010219751201003x", "--address", "五组3号", "--format", "json",
        ])
        #expect(intake.status == 0, "\(intake.err)")
        #expect(intake.out.contains("\"address\" : \"五组3号\"") && intake.out.contains("32010219751201003X"))
        #expect(intake.out.contains("\"arrived_on\" : \"2022-07-09\""))
        #expect(try cli.run(["today"]).out.contains("待核实的自主申报（0）"))
        let again = try cli.run(["intake", "--lead", declared.id])
        #expect(again.status != 0 && again.err.contains("已关闭"))
        let unknown = try cli.run(["intake", "--lead", "no-such-lead"])
        #expect(unknown.status != 0 && unknown.err.contains("找不到核查任务"))
    }
}
