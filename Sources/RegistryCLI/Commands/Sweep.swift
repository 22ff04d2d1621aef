import ArgumentParser
import Foundation
import RegistryCore

extension RegistryCommand {
    /// `registry sweep start|visit|status|close`: a door-to-door sweep (排查到户) through the household register,
    /// 不漏一户 as a figure.
    struct SweepCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sweep", abstract: "入户排查 / Door-to-door sweeps over the household register.",
            subcommands: [Start.self, Visit.self, Status.self, Close.self])

        struct Start: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "开始一轮排查 / Open a sweep round.")

            @OptionGroup var global: GlobalOptions
            @Option(help: "原因（如 新增风险区 某地；响应县里的排查令时可省略） / Why (taken from the county's order if omitted).")
            var reason: String?
            @Option(help: "完成时限 \"YYYY-MM-DD HH:MM\" / Due by.") var due: String?

            func run() throws {
                try global.run { registry in
                    let round = try registry.startSweep(reason: reason, due: due)
                    let total = try registry.sweepStatus()?.households_total ?? 0
                    Console.out(
                        global.lang == .zh
                            ? "已开始排查：\(round.reason)，共 \(total) 户\(round.dueAt.map { "，\($0) 前完成" } ?? "")"
                            : "Sweep started: \(round.reason), \(total) households\(round.dueAt.map { ", due \($0)" } ?? "")"
                    )
                }
            }
        }

        struct Visit: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "记录一次入户 / Record one visit.",
                discussion: "HOUSEHOLD：住址、户主姓名或身份证号、或编号。无人在家的户仍列为未排查，下次再去。")

            @OptionGroup var global: GlobalOptions
            @Argument(help: "住户（住址、户主姓名或身份证号） / The household.") var household: String
            @Option(help: "结果 seen|nobody_home|refused|moved（已见到|无人在家|拒绝配合|已搬走）.") var result: String
            @Option(help: "发现的返乡人数 / Returnees found at the door.") var returnees: Int?
            @Option(help: "备注 / A note.") var note: String?
            @Option(help: "入户时间 \"YYYY-MM-DD HH:MM\"（默认现在） / When.") var at: String?
            @Option(help: "排查人 / Who went.") var by: String?

            func run() throws {
                try global.run { registry in
                    let (visit, household) = try registry.recordVisit(
                        household, result: result, returnees: returnees, note: note, at: at, visitor: by)
                    let zh = global.lang == .zh
                    var line =
                        (zh ? "已记录：" : "Recorded: ") + household.address + "（\(visit.result.label(global.lang))）"
                    if !visit.result.reaches { line += zh ? "，仍列为未排查" : ", still open" }
                    if let n = visit.returnees, n > 0 {
                        line +=
                            zh
                            ? "\n发现返乡人员 \(n) 人：请登记 registry intake --household \"\(household.address)\" …"
                            : "\n\(n) returnee(s) found: register them with registry intake --household \"\(household.address)\" …"
                    }
                    if let status = try registry.sweepStatus() {
                        line +=
                            zh
                            ? "\n本轮已排查 \(status.households_visited)/\(status.households_total) 户"
                            : "\nThis round: \(status.households_visited)/\(status.households_total) households"
                    }
                    Console.out(line)
                }
            }
        }

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "本轮排查进度 / Where the open round stands.")

            @OptionGroup var global: GlobalOptions
            @Option(help: "输出格式 table|json.") var format: OutputFormat = .table

            func run() throws {
                try global.run { registry in
                    guard let status = try registry.sweepStatus() else {
                        throw RegistryError(
                            nil, zh: "没有进行中的排查轮次", en: "no sweep round is open")
                    }
                    if format == .json { return Console.out(JSONText.encode(status)) }
                    Console.out(SweepStatusText.render(status, lang: global.lang))
                }
            }
        }

        struct Close: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "结束本轮排查 / Close the open round.", discussion: "还有未排查的户时须用 --reason 说明原因。")

            @OptionGroup var global: GlobalOptions
            @Option(help: "未排查户的原因 / Why households are left open.") var reason: String?

            func run() throws {
                try global.run { registry in
                    let (round, open) = try registry.closeSweep(reason: reason)
                    Console.out(
                        global.lang == .zh
                            ? "已结束排查：\(round.reason)\(open > 0 ? "（\(open) 户未排查：\(round.closeReason ?? "")）" : "，全部住户已排查")"
                            : "Sweep closed: \(round.reason)\(open > 0 ? " (\(open) open: \(round.closeReason ?? ""))" : ", every household reached")"
                    )
                }
            }
        }
    }
}

/// `sweep status` as a clerk reads it: the round, the coverage by grid, and what is still to do.
enum SweepStatusText {
    static func render(_ status: SweepStatus, lang: Language) -> String {
        let zh = lang == .zh
        var lines = [
            (zh ? "排查：" : "Sweep: ") + status.round.reason
                + (status.round.due.map { zh ? "（\($0) 前完成）" : " (due \($0))" } ?? ""),
            zh
                ? "已排查 \(status.households_visited)/\(status.households_total) 户，未排查 \(status.households_open) 户"
                : "\(status.households_visited)/\(status.households_total) households reached, \(status.households_open) open",
        ]
        if status.by_grid.count > 1 || status.by_grid.first?.grid.isEmpty == false {
            let table = TextTable(
                headers: zh ? ["网格", "户数", "已排查"] : ["Grid", "Households", "Reached"],
                rows: status.by_grid.map {
                    [$0.grid.isEmpty ? (zh ? "（未分网格）" : "(none)") : $0.grid, "\($0.total)", "\($0.visited)"]
                })
            lines.append(table.aligned)
        }
        if !status.open.isEmpty {
            lines.append(zh ? "未排查：" : "Still to visit:")
            let table = TextTable(
                headers: zh ? ["网格", "住址", "户主", "无人在家次数"] : ["Grid", "Address", "Head", "Nobody home"],
                rows: status.open.map {
                    [$0.grid ?? "", $0.address, $0.head_name ?? "", $0.nobody_home > 0 ? "\($0.nobody_home)" : ""]
                })
            lines.append(table.aligned)
        }
        return lines.joined(separator: "\n")
    }
}
