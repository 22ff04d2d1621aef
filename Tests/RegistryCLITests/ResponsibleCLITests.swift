import Foundation
import Testing

/// Who is responsible for whom (包保, issue 38) through the built `registry` binary: assigned, shown, printed on the
/// notice, and the work list per responsible person with the checks their persons missed.
@Suite("包保: who is responsible, end to end", .serialized)
struct ResponsibleCLITests {
    @Test("assign two people to a close contact; today --by-responsible, show, the notice and today's count agree")
    func assignAndWorkList() throws {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "测试村"]).status == 0)
        #expect(try cli.run(intakeArgs + ["--category", "密接"]).status == 0)
        #expect(
            try cli.run([
                "intake", "--name", "李四", "--id-number", "11010519491231002X", "--from", "420102", "--departed",
                "2022-07-08", "--arrived", "2022-07-09", "--category", "密接",
            ]).status == 0)
        let first = try cli.run([
            "assign", "420102199003071232", "--name", "王村医", "--role", "村医", "--phone", "13800138001",
        ])
        #expect(first.status == 0 && first.out.contains("王村医（村医，13800138001）"), "\(first.out)\(first.err)")
        let wrong = try cli.run(["assign", "420102199003071232", "--name", "赵", "--role", "队长"])
        #expect(wrong.status != 0 && wrong.err.contains("角色"), "\(wrong.err)")
        let badPhone = try cli.run(["assign", "420102199003071232", "--name", "赵", "--role", "民警", "--phone", "123"])
        #expect(badPhone.status != 0 && badPhone.err.contains("手机号"), "\(badPhone.err)")
        #expect(try cli.run(["assign", "420102199003071232", "--name", "李网格", "--role", "网格员"]).status == 0)
        #expect(try cli.run(["assign", "11010519491231002X", "--name", "王村医", "--role", "doctor"]).status == 0)
        let again = try cli.run(["assign", "420102199003071232", "--name", "王村医", "--role", "村医"])
        #expect(again.out.components(separatedBy: "王村医").count == 2, "the same one again is not added twice")

        let blocks = try cli.run(["today", "--by-responsible"]).out
        #expect(blocks.contains("王村医（村医，13800138001）：2 人，今日缺测体温 4 次"), "\(blocks)")
        #expect(blocks.contains("李网格（网格员）：1 人，今日缺测体温 2 次"), "\(blocks)")
        #expect(try cli.run(["check", "420102199003071232", "--temp", "36.5"]).status == 0)
        let after = try cli.run(["today", "--by-responsible"]).out
        #expect(after.contains("王村医（村医，13800138001）：2 人，今日缺测体温 3 次"), "\(after)")
        let today = try cli.run(["today"]).out
        #expect(today.contains("包保责任人名下今日未测体温") && today.contains("2 人，缺 3 次"), "\(today)")
        let json =
            try JSONSerialization.jsonObject(with: Data(try cli.run(["today", "--format", "json"]).out.utf8))
            as? [String: Any]
        let groups = json?["by_responsible"] as? [[String: Any]]
        #expect(groups?.first?["name"] as? String == "李网格" && groups?.first?["checks_missing"] as? Int == 1)

        let show = try cli.run(["show", "420102199003071232"]).out
        #expect(show.contains("包保责任人：王村医（村医，13800138001）、李网格（网格员）"), "\(show)")
        let notice = try cli.run(["notice", "420102199003071232", "--kind", "quarantine"]).out
        #expect(notice.contains("<th>包保责任人</th><td>王村医（村医，13800138001）、李网格（网格员）</td>"), "\(notice)")
    }
}
