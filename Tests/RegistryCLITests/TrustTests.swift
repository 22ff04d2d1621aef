import Foundation
import RegistryCore
import Testing

/// What a new clerk's trial found wrong or misleading (issue 14), through the built binary.
@Suite("results a clerk can trust", .serialized)
struct TrustTests {
    /// A registry with the 9th-edition period's high-risk area 420102 (武汉市江岸区) in force.
    func village() throws -> CLI {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "测试村"]).status == 0)
        let areas = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent("areas.csv").path
        try "code,name,level,in_force_from,lifted_on\n420102,武汉市江岸区,高,2022-06-20,\n".write(
            toFile: areas, atomically: true, encoding: .utf8)
        #expect(try cli.run(["risk-areas", "import", areas]).status == 0)
        return cli
    }

    func json(_ cli: CLI, _ arguments: [String]) throws -> [String: Any] {
        let result = try cli.run(arguments + ["--format", "json"])
        #expect(result.status == 0, "\(result.err)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    }

    @Test("a high-risk arrival entered as 次密接 keeps the high-risk plan")
    func overrideNeverLowers() throws {
        let cli = try village()
        #expect(try cli.run(intakeArgs + ["--category", "次密接"]).status == 0)
        let person = try json(cli, ["show", "420102199003071232"])
        #expect(person["category"] as? String == "high_risk")
        let measure = try #require(person["measure"] as? [String: Any])
        #expect(measure["status"] as? String == "active")
        #expect((measure["phases"] as? [[String: Any]])?.first?["kind"] as? String == "central_quarantine")
    }

    @Test("a measure that ended without a release stays on today's list and in list --active until released")
    func endedNotReleased() throws {
        let cli = try village()
        #expect(try cli.run(intakeArgs).status == 0)  // high risk, 9th: central quarantine 2022-07-02 to 2022-07-08
        let today = try json(cli, ["today", "--date", "2022-07-10"])
        let ended = try #require(today["ended_not_released"] as? [[String: Any]])
        #expect(ended.map { $0["id_number"] as? String } == ["420102199003071232"])
        #expect(ended.first?["on"] as? String == "2022-07-08")
        #expect(try cli.run(["today", "--date", "2022-07-10"]).out.contains("期满待解除（1）"))
        #expect(try cli.run(["list", "--active"]).out.contains("420102199003071232"))
        #expect(try cli.run(["release", "420102199003071232", "--date", "2022-07-10"]).status == 0)
        #expect((try json(cli, ["today", "--date", "2022-07-10"])["ended_not_released"] as? [Any])?.isEmpty == true)
        #expect(!(try cli.run(["list", "--active"]).out.contains("420102199003071232")))
    }

    @Test("a check time in the future is refused like a future arrival; nothing is written")
    func futureCheck() throws {
        let cli = try village()
        #expect(try cli.run(intakeArgs).status == 0)
        let before = try cli.contents()
        // now 09:00
        let result = try cli.run(["check", "420102199003071232", "--temp", "36.5", "--at", "2022-07-10 12:00"])
        #expect(result.status == 1 && result.err.contains("时间") && result.err.contains("还没到"), "\(result.err)")
        #expect(try cli.contents() == before)
        #expect(try cli.run(["check", "420102199003071232", "--temp", "36.5", "--at", "2022-07-10 09:05"]).status == 0)
    }

    @Test(
        "a red health code is shown everywhere, and with no risky travel history puts the person on today's list to assess"
    )
    func redHealthCode() throws {
        let cli = try village()
        #expect(
            try cli.run([
                "intake", "--name", "李四", "--id-number", "11010519491231002X", "--from", "110108", "--from-name", "海淀区",
                "--departed", "2022-07-08", "--arrived", "2022-07-09", "--health-code", "红码",
            ]).status == 0)
        #expect(try cli.run(["show", "11010519491231002X"]).out.contains("健康码：红码"))
        #expect(try json(cli, ["show", "11010519491231002X"])["health_code"] as? String == "red")
        #expect(try cli.run(["list"]).out.contains("红码"))
        #expect(try cli.run(["export"]).out.contains("红码"))
        let today = try cli.run(["today"])
        #expect(today.out.contains("红码待研判（1）") && today.out.contains("李四"), "\(today.out)")
        let assess = try #require(try json(cli, ["today"])["to_assess"] as? [[String: Any]])
        #expect(assess.first?["on"] as? String == "2022-07-09")
    }

    @Test("show and export print the day a sample was taken, and the planned day where it differs")
    func sampledDay() throws {
        let cli = try village()
        #expect(try cli.run(intakeArgs).status == 0)
        #expect(try cli.run(["test", "420102199003071232", "--sampled", "2022-07-05", "--result", "阴性"]).status == 0)
        #expect(try cli.run(["show", "420102199003071232"]).out.contains("2022-07-05 采样（应检 2022-07-04）阴性"))
        #expect(try cli.run(["export"]).out.contains("2022-07-05 采样（应检 2022-07-04）阴性"))
    }

    @Test("report history does not count days before the registry existed as missing")
    func historySinceCreated() throws {
        let cli = try village()  // created 2022-07-10
        let history = try cli.run([
            "report", "history", "--from", "2022-07-01", "--to", "2022-07-10", "--format", "json",
        ])
        let days = try #require(try JSONSerialization.jsonObject(with: Data(history.out.utf8)) as? [[String: Any]])
        #expect(days.map { $0["date"] as? String } == ["2022-07-10"])
    }

    @Test("a report revision keeps the earlier remarks unless new ones are given; the report text shows them")
    func remarksKept() throws {
        let cli = try village()
        #expect(try cli.run(["report", "submit", "--reporter", "王会计", "--remarks", "张三已转运"]).status == 0)
        #expect(try cli.run(["report", "submit"]).status == 0)
        let text = try cli.run(["report"]).out
        #expect(text.contains("第 2 版") && text.contains("备注：张三已转运"), "\(text)")
    }

    @Test("import --dry-run reports the counts the real import would have")
    func dryRunCounts() throws {
        let cli = try village()
        #expect(try cli.run(intakeArgs).status == 0)
        let file = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent("名单.csv").path
        try
            ("姓名,身份证号,来源地代码,离开日期,到达日期\n张三,420102199003071232,420102,2022-07-01,2022-07-02\n"
            + "李四,11010519491231002X,420102,2022-07-01,2022-07-03\n王五,420102197001010011,420102,2022-07-01,2022-07-03\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let before = try cli.contents()
        let dry = try cli.run(["import", file, "--dry-run", "--skip-invalid"])
        #expect(dry.out.contains("新增 1，已存在 1，错误 1 行"), "\(dry.out)")
        #expect(try cli.contents() == before)
        let real = try cli.run(["import", file, "--skip-invalid"])
        #expect(real.out.contains("新增 1，已存在 1，错误 1 行"), "\(real.out)")
    }

    @Test("temperatures and dates as a clerk types them: full-width digits, units, 年月日")
    func typedInput() throws {
        let cli = try village()
        #expect(try cli.run(intakeArgs).status == 0)
        #expect(try cli.run(["check", "420102199003071232", "--temp", "３６．８"]).out.contains("36.8°C"))
        #expect(
            try cli.run(["check", "420102199003071232", "--temp", "36.6℃", "--at", "2022年7月10日 08:00"]).out.contains(
                "36.6°C"))
        #expect(
            try cli.run(["check", "420102199003071232", "--temp", "37.5度", "--at", "2022-07-09 20:00"]).out.contains(
                "37.5°C"))
        #expect(try cli.run(["test", "420102199003071232", "--sampled", "2022年7月5日", "--result", "阴性"]).status == 0)
        let bad = try cli.run(["check", "420102199003071232", "--temp", "正常"])
        #expect(bad.status == 1 && bad.err.contains("体温"))
    }

    @Test("a command line the parser cannot read is refused in one Chinese line naming the option, exit 64")
    func usageInChinese() throws {
        let cli = try village()
        for (arguments, expected) in [
            (["intake", "--name"], "姓名（--name）：后面缺少要填的值"),
            (["show"], "缺少必填项 人员（<person>）"),
            (["list", "--format", "xls"], "格式（--format）：“xls”不是有效的值"),
            (["list", "--foo"], "不认识的选项 --foo"),
        ] {
            let result = try cli.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(
                result.err.contains(expected) && !result.err.contains("Error:")
                    && result.err.split(separator: "\n").count == 1,
                "\(arguments): \(result.err)")
        }
        #expect(try cli.run(["show", "--lang", "en"]).err.contains("is required"))
    }

    @Test("--db and --lang before the subcommand; a command on a path with no registry creates no file")
    func globalOptionsAndMissingFile() throws {
        let cli = try village()
        #expect(try cli.run(intakeArgs).status == 0)
        let other = CLI(db: "/nonexistent-dir-\(UUID().uuidString)/x.sqlite")
        #expect(try other.run(["--db", cli.db, "list"]).out.contains("420102199003071232"))
        #expect(try other.run(["--lang", "en", "--db", cli.db, "list"]).out.contains("1 people"))
        let missing = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent("typo.sqlite")
            .path
        for arguments in [
            ["list"], ["today"], ["show", "420102199003071232"], ["report"], ["export"], ["sync", "status"], intakeArgs,
        ] {
            let result = try other.run(["--db", missing] + arguments)
            #expect(result.status == 1 && result.err.contains("这里没有登记库"), "\(arguments): \(result.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test("once a village syncs with a county, risk-areas import is refused: the county publishes the list")
    func riskAreasBelongToTheCounty() throws {
        let cli = try village()
        // A sync that never reached the county remembers nothing, and the village may still import its own list.
        _ = try cli.run(["sync", "--server", "http://127.0.0.1:9", "--token", "t"])
        #expect(try Registry.open(path: cli.db, now: { Date() }).syncState().server == nil)
        // Once a sync worked, the server is remembered (as `onAccepted` does).
        try Registry.open(path: cli.db, now: { Date() }).rememberSync(
            server: "https://county.example:8443", token: "t", caFile: nil)
        let areas = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent("areas.csv").path
        let result = try cli.run(["risk-areas", "import", areas])
        #expect(result.status == 1 && result.err.contains("县统一发布"), "\(result.err)")
    }

    @Test(
        "an import file with title rows above the header is read; an id number Excel turned into 6.50102E+17 is named as such"
    )
    func excelSheets() throws {
        let cli = try village()
        let file = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent("登记表.csv").path
        try
            ("某某村返乡人员登记表,,,,\n填报日期：2022年7月10日,,,,\n,,,,\n姓名,身份证号,来源地代码,离开日期,到达日期\n"
            + "张三,420102199003071232,420102,2022年7月1日,2022年7月2日\n李四,6.50102E+17,420102,2022-07-01,2022-07-02\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = try cli.run(["import", file, "--skip-invalid"])
        #expect(result.out.contains("新增 1"), "\(result.out) \(result.err)")
        #expect(result.err.contains("第 6 行：身份证号") && result.err.contains("科学计数法"), "\(result.err)")
    }

    @Test("--lang en tables read as English, not as JSON keys; CSV keeps the keys for scripts")
    func englishTables() throws {
        let cli = try village()
        #expect(try cli.run(intakeArgs).status == 0)
        let report = try cli.run(["report", "--lang", "en"]).out
        #expect(report.contains("New arrivals") && !report.contains("new_arrivals"), "\(report)")
        #expect(try cli.run(["list", "--lang", "en"]).out.contains("ID number"))
        #expect(try cli.run(["list", "--lang", "en", "--format", "csv"]).out.hasPrefix("name,id_number"))
        #expect(try cli.run(["report", "history", "--lang", "en"]).out.hasPrefix("Date"))
        #expect(try cli.run(["risk-areas", "list", "--lang", "en"]).out.contains("In force from"))
        let today = try cli.run(["today", "--lang", "en"]).out
        #expect(today.contains("Tests due today (") && !today.contains("（"), "\(today)")
        // Chinese output carries no English words, and symptoms are offered and accepted as clerks write them.
        let zh = try cli.run(["show", "420102199003071232"]).out + cli.run(["today"]).out + cli.run(["report"]).out
        // a command to type stays a command
        let words = zh.replacingOccurrences(of: "registry report submit", with: "")
            .replacingOccurrences(
                of: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", with: "",
                options: .regularExpression)  // record ids
        #expect(words.range(of: "[A-Za-z]{4,}", options: .regularExpression) == nil, "\(zh)")
        // Symptoms as clerks write them (issue 37): 咳嗽 stays 咳嗽, 头疼 is a headache, both separators, a word no list
        // knows kept as 其他 with its words, a number refused as not a symptom.
        let cough = try cli.run(["check", "420102199003071232", "--temp", "36.5", "--symptom", "咳嗽"])
        #expect(cough.out.contains("咳嗽") && !cough.out.contains("干咳"), "\(cough.out)")
        let several = try cli.run([
            "check", "420102199003071232", "--temp", "36.6", "--symptom", "发热，头疼、流涕", "--symptom", "头晕",
            "--at", "2022-07-02 09:00",
        ])
        #expect(several.out.contains("发热、头疼（头痛）、流涕、头晕（其他）"), "\(several.out + several.err)")
        let number = try cli.run(["check", "420102199003071232", "--temp", "36.5", "--symptom", "38.5"])
        #expect(number.status != 0 && number.err.contains("症状") && number.err.contains("体温"), "\(number.err)")
        let shown = try cli.run(["show", "420102199003071232"]).out
        #expect(shown.contains("发热、头疼、流涕、头晕") && shown.contains("咳嗽"), "\(shown)")
        let json = try cli.run(["show", "420102199003071232", "--format", "json"]).out
        #expect(json.contains("\"headache\"") && json.contains("\"other\"") && json.contains("头晕"), "\(json)")
    }

    @Test(
        "interactive intake checks each answer at once, never offers a wrong value back, and Enter leaves an optional field empty"
    )
    func interactiveIntake() throws {
        let cli = try village()
        // name; id wrong then right; phone wrong (asked again at once, before 来源地) then Enter; from; from name Enter;
        // stayed-from wrong then Enter; departed after today, then right; arrival Enter (today); the rest Enter.
        let answers = [
            "王五", "420102199003071231", "420102199003071232", "1380013800", "", "420102", "",
            "7月", "", "2022-08-01", "2022-07-01", "", "", "", "", "", "", "",
        ]
        let result = try cli.run(["intake", "--ask"], stdin: answers.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.err) \(result.out)")
        let out = result.out
        // Each wrong answer is named right after it is typed, and the same field is asked next.
        for (error, next) in [
            ("身份证号：校验位不对", "身份证号："), ("手机号：", "手机号（可空，回车跳过）："),
            ("到达来源地日期：", "到达来源地日期（可空"), ("离开日期：", "离开日期："),
        ] {
            let after = try #require(out.range(of: error), "\(error) not in \(out)")
            #expect(
                out[after.upperBound...].split(separator: "\n", maxSplits: 1).last?.hasPrefix(next) == true,
                "\(error): \(out)")
        }
        #expect(
            !out.contains("[420102199003071231]") && !out.contains("[2022-08-01]"),
            "a wrong value offered as default: \(out)")
        #expect(out.contains("到达日期 [2022-07-10]："))
        let person = try json(cli, ["show", "420102199003071232"])
        #expect(person["phone"] == nil || person["phone"] is NSNull, "Enter on the phone leaves it empty")
        #expect(person["arrived_on"] as? String == "2022-07-10", "Enter on the arrival day keeps today")
    }
}
