import ArgumentParser
import RegistryCore

extension RegistryCommand {
    /// `registry check PERSON --temp T`: records a temperature and symptom check; fever is flagged at once.
    struct CheckCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "记录体温和症状 / Record a temperature check.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "身份证号或档案编号 / Id number or record id.") var person: String
        @Option(help: "体温 °C，如 36.8、３６．８、36.8℃ / Temperature.") var temp: String
        @Option(
            help:
                "症状，照实写：--symptom 发热,咳嗽 或 --symptom 发热 --symptom 咳嗽；常用说法（头疼、流鼻涕）自动归类，其他词记为“其他”并保留原话 / Symptoms as written; repeat or separate by commas."
        )
        var symptom: [String] = []
        @Option(help: "时间 \"YYYY-MM-DD HH:MM\"（默认现在） / Time (default now).") var at: String?

        func run() throws {
            try global.run { registry in
                let outcome = try registry.check(
                    person, temperature: try Validate.temperature(temp), symptoms: symptom, at: at)
                let zh = global.lang == .zh
                let c = outcome.check
                // Each word with what it was read as (头疼（头痛）、头晕（其他）): the clerk sees at once how it counts.
                let symptoms = outcome.words.echo(global.lang)
                if c.flagged {
                    Console.out(
                        (zh
                            ? "⚠ 异常：\(outcome.person.name) \(c.takenAt) 体温 \(c.temperature)°C"
                            : "⚠ ABNORMAL: \(outcome.person.name) \(c.takenAt) \(c.temperature)°C")
                            + (symptoms.isEmpty ? "" : " " + symptoms)
                            + (zh
                                ? "。请立即报告村医和乡镇卫生院，安排核酸检测。"
                                : ". Tell the village doctor and township clinic now; arrange a test."))
                } else {
                    Console.out(
                        zh
                            ? "已记录：\(outcome.person.name) \(c.takenAt) 体温 \(c.temperature)°C，正常"
                            : "Recorded: \(outcome.person.name) \(c.takenAt) \(c.temperature)°C, normal")
                }
            }
        }
    }

    /// `registry test PERSON --sampled D --result R`: records a sample and its result.
    struct TestCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "test", abstract: "记录核酸采样和结果 / Record a test.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "身份证号或档案编号 / Id number or record id.") var person: String
        @Option(help: "采样日期 / Day sampled.") var sampled: String
        @Option(help: "结果 pending|negative|positive|invalid（或 阴性、阳性）.") var result: String
        @Option(help: "出结果日期（默认采样日） / Day the result came in.") var date: String?
        @Option(help: "检测机构 / Lab.") var lab: String?

        func run() throws {
            try global.run { registry in
                let outcome = try registry.recordTest(
                    person, sampled: try Validate.day(sampled, field: .sampled),
                    result: try Validate.choice(result, field: .result),
                    resultOn: try Validate.optionalDay(date, field: .date), lab: lab)
                let zh = global.lang == .zh
                let t = outcome.test
                if t.result == .positive {
                    Console.out(
                        zh
                            ? "🔴 阳性！\(person) \(t.sampledOn.map { "\($0)" } ?? "") 采样结果阳性，管控已升级为阳性转运。请立即上报县指挥部并闭环转运。"
                            : "🔴 POSITIVE: sample of \(t.sampledOn.map { "\($0)" } ?? "") is positive; the measure is escalated. Report to the county now."
                    )
                    if !outcome.contacts.isEmpty {
                        Console.out(
                            zh
                                ? "同住、同行人员已判定为密接（\(outcome.contacts.count) 人），今日须采样："
                                : "Close contacts put under the plan (\(outcome.contacts.count)), to sample today:")
                        for contact in outcome.contacts { Console.out(ContactText.line(contact, lang: global.lang)) }
                    }
                } else {
                    Console.out(
                        zh
                            ? "已记录：采样 \(t.sampledOn.map { "\($0)" } ?? "")，结果 \(t.result.chinese)"
                            : "Recorded: sampled \(t.sampledOn.map { "\($0)" } ?? ""), result \(t.result.rawValue)")
                }
            }
        }
    }
}
