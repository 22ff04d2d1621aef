import ArgumentParser
import RegistryCore

extension RegistryCommand {
    /// `registry lead LEAD --outcome found|absent|unreachable`: closes a lead the county sent (核查).
    struct LeadCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lead", abstract: "填写核查结果 / Close a county lead.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "任务编号、身份证号、手机号或姓名 / Lead id, id number, phone or name.") var lead: String
        @Option(help: "found（已找到并登记）|absent（不在本村）|unreachable（无法联系）.") var outcome: String
        @Option(help: "对应的已登记人员（默认按身份证号查找） / The registered person.") var person: String?
        @OptionGroup var date: DateOption

        func run() throws {
            try global.run { registry in
                let closed = try registry.closeLead(
                    lead, outcome: try Validate.choice(outcome, field: .outcome),
                    on: try date.day(registry), person: person)
                Console.out(
                    global.lang == .zh
                        ? "已关闭核查任务：\(closed.name)，结果：\(closed.outcome?.chinese ?? "")"
                        : "Lead closed: \(closed.name), \(closed.outcome?.rawValue ?? "")")
                if closed.outcome == .found, let dayZero = closed.lastContactOn {
                    Console.out(
                        global.lang == .zh
                            ? "  ⚠ 已按密接方案管控（第 0 天 \(dayZero)），今日须采样；registry show 查看方案"
                            : "  ⚠ put under the close-contact plan (day 0 \(dayZero)); sample today; see registry show"
                    )
                }
            }
        }
    }
}
