import ArgumentParser
import RegistryCore

extension RegistryCommand {
    /// `registry today`: the day's work list.
    struct Today: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "今日工作清单 / Today's work list.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var date: DateOption
        @Option(help: "输出格式 table|json.") var format: OutputFormat = .table

        func run() throws {
            try global.run { registry in
                let list = try registry.workList(on: try date.day(registry))
                Console.out(format == .json ? JSONText.encode(list) : list.text(global.lang))
            }
        }
    }
}
