import ArgumentParser
import RegistryCore

extension RegistryCommand {
    /// `registry show PERSON`: one person's whole file.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "查看个人档案 / Show one person's file.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "身份证号或档案编号 / Id number or record id.") var person: String
        @Option(help: "输出格式 table|json.") var format: OutputFormat = .table
        @Flag(
            help:
                "脱敏：姓名、身份证号、手机号部分隐去（张*伟、420102********1232、138****8000），不含住址和出生日期 / Mask names, id numbers and phones.")
        var mask = false

        func run() throws {
            try global.run { registry in
                let found = try registry.file(person)
                let file = mask ? found.masked : found
                Console.out(format == .json ? JSONText.encode(file.jsonView) : file.text(global.lang))
            }
        }
    }
}
