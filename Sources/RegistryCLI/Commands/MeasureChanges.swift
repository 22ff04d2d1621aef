import ArgumentParser
import RegistryCore

extension RegistryCommand {
    /// `registry release PERSON`: ends the measure (before its last day only with --force and a reason).
    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "解除管控 / Release a person from their measure.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "身份证号或档案编号 / Id number or record id.") var person: String
        @OptionGroup var date: DateOption
        @Option(help: "原因 / Reason.") var reason: String?
        @Flag(help: "期满前提前解除 / Release before the last day.") var force = false
        @Option(help: "经办人 / Who ordered it.") var by: String?

        func run() throws {
            try global.run { registry in
                let m = try registry.release(
                    person, on: try date.day(registry), reason: reason, force: force, actor: by)
                Console.out(MeasureChangeText.text(m, global.lang))
            }
        }
    }

    /// `registry extend PERSON --days N --reason R`: lengthens the measure.
    struct Extend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "延长管控 / Extend a measure.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "身份证号或档案编号 / Id number or record id.") var person: String
        @Option(help: "延长天数 / Days.") var days: Int
        @Option(help: "原因 / Reason.") var reason: String
        @OptionGroup var date: DateOption
        @Option(help: "经办人 / Who ordered it.") var by: String?

        func run() throws {
            try global.run { registry in
                let m = try registry.extend(person, days: days, reason: reason, on: try date.day(registry), actor: by)
                Console.out(MeasureChangeText.text(m, global.lang))
            }
        }
    }

    /// `registry transfer PERSON --reason R`: hands the person on (hospital, another place).
    struct Transfer: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "转出 / Transfer a person out.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "身份证号或档案编号 / Id number or record id.") var person: String
        @Option(help: "原因（去向） / Reason (where to).") var reason: String
        @OptionGroup var date: DateOption
        @Option(help: "经办人 / Who ordered it.") var by: String?

        func run() throws {
            try global.run { registry in
                let m = try registry.transfer(person, reason: reason, on: try date.day(registry), actor: by)
                Console.out(MeasureChangeText.text(m, global.lang))
            }
        }
    }
}

enum MeasureChangeText {
    static func text(_ measure: Measure, _ lang: Language) -> String {
        (lang == .zh ? "已更新管控措施：" : "Measure updated: ") + measure.summary(lang)
            + (measure.reason.map { lang == .zh ? "（原因：\($0)）" : " (reason: \($0))" } ?? "")
    }
}
