import ArgumentParser
import RegistryCore

extension RegistryCommand {
    /// `registry show PERSON`: one person's whole file.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "查看个人档案 / Show one person's file.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "身份证号或档案编号 / Id number or record id.") var person: String
        @Option(help: "输出格式 table|json.") var format: OutputFormat = .table

        func run() throws {
            try global.run { registry in
                let file = try registry.file(person)
                Console.out(format == .json ? JSONText.encode(file.jsonView) : file.text(global.lang))
            }
        }
    }
}
