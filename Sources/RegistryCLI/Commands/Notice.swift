import ArgumentParser
import Foundation
import RegistryCore

extension NoticeKind: ExpressibleByArgument {}

extension RegistryCommand {
    /// `registry notice PERSON --kind quarantine|release [-o FILE.html]`: the 告知书 to print and hand over.
    struct NoticeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notice",
            abstract: "打印告知书（居家隔离告知书、解除隔离告知书；HTML，A4 一页） / Print a notice (HTML, one A4 page).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "身份证号或档案编号 / Id number or record id.") var person: String
        @Option(help: "quarantine（管控告知书）| release（解除隔离告知书） / Which notice.") var kind: NoticeKind
        @OptionGroup var date: DateOption
        @Option(name: .shortAndLong, help: "写入文件（默认标准输出；只有本人可读） / Write to this file (readable by you only).")
        var output: String?

        func run() throws {
            try global.run { registry in
                let notice = try registry.notice(person, kind: kind, on: try date.day(registry))
                let html = notice.html()
                if let output {
                    try PrivateFile.write(Data(html.utf8), to: output, overwrite: true)
                    Console.error(
                        global.lang == .zh
                            ? "已写入 \(output)，用浏览器打开后打印（A4）" : "Wrote \(output): open it in a browser and print (A4)")
                } else {
                    Console.out(html, terminator: "")
                }
            }
        }
    }
}
