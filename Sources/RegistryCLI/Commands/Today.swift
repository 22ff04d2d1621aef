import ArgumentParser
import RegistryCore

extension RegistryCommand {
    /// `registry today`: the day's work list.
    struct Today: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "今日工作清单 / Today's work list.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var date: DateOption
        @Option(help: "输出格式 table|json.") var format: OutputFormat = .table
        @Flag(help: "每组显示全部人员（默认每组最多 50 人） / Show everyone in each group (default 50).") var all = false

        func run() throws {
            try global.run { registry in
                // The screen lists 50 per group unless --all; JSON always carries everyone.
                let list = try registry.workList(on: try date.day(registry), limit: format == .json || all ? nil : 50)
                Console.out(format == .json ? JSONText.encode(list) : list.text(global.lang, limit: nil))
            }
        }
    }
}
