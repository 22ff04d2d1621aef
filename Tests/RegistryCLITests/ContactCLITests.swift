import Foundation
import Testing

/// Households and contacts through the built `registry` binary (issue 23), as a clerk types them.
@Suite("contacts and households, end to end", .serialized)
struct ContactCLITests {
    func village() throws -> CLI {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "测试村"]).status == 0)
        #expect(
            try cli.run([
                "intake", "--name", "张三", "--id-number", "420102199003071232", "--from", "310101", "--departed",
                "2022-07-08",
                "--arrived", "2022-07-09", "--address", "一组3号", "--with", "11010519491231002X",
            ]).status == 0)
        #expect(
            try cli.run([
                "intake", "--name", "李四", "--id-number", "11010519491231002X", "--from", "310101", "--departed",
                "2022-07-08",
                "--arrived", "2022-07-09", "--address", "二组5号",
            ]).status == 0)
        return cli
    }

    @Test(
        "household add, list --by-household, show with members and links; a positive moves them and today lists them first"
    )
    func householdAndPositive() throws {
        let cli = try village()
        let added = try cli.run([
            "household", "add", "420102199003071232", "--name", "张母", "--id-number", "110105195001011234",
        ])
        #expect(added.status == 0 && added.out.contains("同户共 2 人"), "\(added.err)")
        let grouped = try cli.run(["list", "--by-household"]).out
        #expect(grouped.contains("一组3号  2 人") && grouped.contains("未外出") && grouped.contains("共 2 户"), "\(grouped)")
        let show = try cli.run(["show", "420102199003071232"]).out
        #expect(show.contains("同户（共 2 人）：张母") && show.contains("同行  李四 11010519491231002X（本村已登记，本人登记"), "\(show)")
        let positive = try cli.run(["test", "420102199003071232", "--sampled", "2022-07-10", "--result", "阳性"])
        #expect(positive.out.contains("已判定为密接（2 人）") && positive.out.contains("密接：与 张三 同住"), "\(positive.out)")
        let today = try cli.run(["today"]).out
        let first = today.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        #expect(first == "新增密接（2）", "\(today)")
        let json =
            try JSONSerialization.jsonObject(with: Data(try cli.run(["today", "--format", "json"]).out.utf8))
            as? [String: Any]
        #expect((json?["new_contacts"] as? [[String: Any]])?.count == 2)
        let report = try cli.run(["report", "--format", "json"]).out
        #expect(report.contains("\"households_under_measure\" : 2"), "\(report)")
        let mother = try cli.run(["show", "110105195001011234"]).out
        #expect(mother.contains("流调判定为密接") && mother.contains("集中隔离医学观察"), "\(mother)")
    }

    @Test(
        "contact add for a positive puts the contact under the plan; a wrong relation or id is one line, nothing written"
    )
    func contactAdd() throws {
        let cli = try village()
        #expect(try cli.run(["test", "420102199003071232", "--sampled", "2022-07-10", "--result", "阳性"]).status == 0)
        let before = try cli.contents()
        let badRelation = try cli.run([
            "contact", "add", "420102199003071232", "--name", "赵六", "--id-number", "110101198001011232",
            "--relation", "邻居",
        ])
        #expect(badRelation.status == 1 && badRelation.err.hasPrefix("关系：“邻居”无效，可选：同住、同行、同事、其他"), "\(badRelation.err)")
        let badID = try cli.run([
            "contact", "add", "420102199003071232", "--name", "赵六", "--id-number", "110101198001011233",
            "--relation", "同事",
        ])
        #expect(
            badID.status == 1 && badID.err.hasPrefix("身份证号：校验位不对") && badID.err.split(separator: "\n").count == 1,
            "\(badID.err)")
        #expect(try cli.contents() == before)
        let added = try cli.run([
            "contact", "add", "420102199003071232", "--name", "赵六", "--id-number", "110101198001011232",
            "--relation", "同事", "--last-contact", "2022年7月7日",
        ])
        #expect(
            added.status == 0 && added.out.contains("已登记为本村居民") && added.out.contains("第 0 天 2022-07-07"),
            "\(added.out) \(added.err)")
        let companion = try cli.run([
            "intake", "--name", "王五", "--id-number", "110101199001011237", "--from", "310101",
            "--departed", "2022-07-08", "--arrived", "2022-07-09", "--with", "420102199003071232",
        ])
        #expect(
            companion.out.contains("密接：与 张三 同行"),
            "a companion registered after the positive is a contact at once: \(companion.out)")
        // A link recorded by mistake is deleted with a reason, and no longer shown.
        #expect(
            try cli.run(["contact", "delete", "420102199003071232", "--id-number", "110101198001011232"]).status == 64)
        let deleted = try cli.run([
            "contact", "delete", "420102199003071232", "--id-number", "110101198001011232", "--reason", "误记",
        ])
        #expect(deleted.status == 0 && deleted.out.contains("已删除密接关系 1 条"), "\(deleted.err)")
        #expect(!(try cli.run(["show", "420102199003071232"]).out.contains("赵六")))
    }
}
