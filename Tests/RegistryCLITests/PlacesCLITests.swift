import Foundation
import Testing

/// Places by name through the built `registry` binary (issue 15).
@Suite("places by name, end to end", .serialized)
struct PlacesCLITests {
    func village() throws -> CLI {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "测试村"]).status == 0)
        return cli
    }

    @Test("registry places finds a place by name, short name, pinyin or initials, offline and with no registry")
    func places() throws {
        let cli = CLI(db: "/nonexistent-\(UUID().uuidString)/x.sqlite")
        #expect(try cli.run(["places", "石家庄藁城"]).out.contains("130109  河北省石家庄市藁城区"))
        let json = try cli.run(["places", "朝阳区", "--format", "json"]).out
        #expect(json.contains("\"110105\"") && json.contains("\"220104\""), "\(json)")
        #expect(try cli.run(["places", "火星"]).status == 1)
    }

    @Test(
        "intake --from takes a name; an ambiguous one is refused naming the candidates, nothing written; show prints the path"
    )
    func intakeByName() throws {
        let cli = try village()
        let before = try cli.contents()
        let ambiguous = try cli.run([
            "intake", "--name", "张三", "--id-number", "420102199003071232", "--from", "朝阳区",
            "--departed", "2022-07-08", "--arrived", "2022-07-09",
        ])
        #expect(
            ambiguous.status == 1 && ambiguous.err.contains("北京市朝阳区（110105）")
                && ambiguous.err.split(separator: "\n").count == 1)
        #expect(try cli.contents() == before)
        #expect(
            try cli.run([
                "intake", "--name", "张三", "--id-number", "420102199003071232", "--from", "gaocheng",
                "--departed", "2022-07-08", "--arrived", "2022-07-09",
            ]).status == 0)
        #expect(try cli.run(["show", "420102199003071232"]).out.contains("旅居：河北省石家庄市藁城区（130109）"))
        #expect(try cli.run(["export"]).out.contains("河北省石家庄市藁城区（130109）"))
    }

    @Test("the prompt lists the candidates of an ambiguous place and takes the number of the one meant")
    func promptChoice() throws {
        let cli = try village()
        let answers = ["王五", "420102199003071232", "", "朝阳区", "2", "", "", "2022-07-08", "", "", "", "", "", "", ""]
        let result = try cli.run(["intake", "--ask"], stdin: answers.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.err) \(result.out)")
        #expect(result.out.contains("1. 北京市朝阳区（110105）") && result.out.contains("输入序号"), "\(result.out)")
        #expect(try cli.run(["show", "420102199003071232"]).out.contains("吉林省长春市朝阳区（220104）"))
    }
}
