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
        @Flag(help: "按包保责任人分别列出，可分页打印 / One block per responsible person.") var byResponsible = false

        func run() throws {
            try global.run { registry in
                // The screen lists 50 per group unless --all; JSON always carries everyone.
                let everyone = format == .json || all || byResponsible
                let list = try registry.workList(on: try date.day(registry), limit: everyone ? nil : 50)
                if format == .json { return Console.out(JSONText.encode(list)) }
                Console.out(byResponsible ? list.textByResponsible(global.lang) : list.text(global.lang, limit: nil))
            }
        }
    }
}
