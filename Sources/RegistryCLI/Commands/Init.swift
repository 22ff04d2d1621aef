import ArgumentParser
import Foundation
import RegistryCore

extension RegistryCommand {
    /// `registry init`: sets up a registry for a village.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "建立本村登记库 / Set up the registry for a village.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "12 位村（社区）统计用区划代码 / 12-digit village code.") var village: String
        @Option(help: "村（社区）名称 / Village name.") var name: String
        @Option(help: "时区（默认 Asia/Shanghai） / Time zone.") var timeZone: String?
        @Option(help: "日报截止时间 HH:MM（默认 17:00） / Daily report deadline.") var deadline: String?
        @Option(help: "固定使用的政策版本（第八版|第九版|二十条，或 8th|9th|20measures）或政策文件 / Pin a policy version or a policy file.")
        var policy: String?

        func run() throws {
            try global.run(creating: true) { registry in
                var version = policy
                var document: String?
                if let policy, FileManager.default.fileExists(atPath: policy) {
                    let data = try Data(contentsOf: URL(fileURLWithPath: policy))
                    version = nil
                    document = String(decoding: data, as: UTF8.self)
                    _ = try Policy(json: data, file: policy)
                }
                let settings = try registry.initialize(
                    village: village, name: name, timeZone: timeZone,
                    deadline: deadline, policyVersion: version,
                    policyDocument: document)
                Console.out(
                    global.lang == .zh
                        ? "已建立登记库：\(settings.villageName)（\(settings.village)），文件 \(global.path)"
                        : "Registry ready: \(settings.villageName) (\(settings.village)), file \(global.path)")
            }
        }
    }
}
