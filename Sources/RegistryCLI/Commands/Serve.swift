import ArgumentParser
import Foundation

extension RegistryCommand {
    /// `registry serve`: the clerk's pages in a browser. They are the `registry-web` program (the village-web
    /// package, built with Hummingbird), kept out of this CLI so that it stays light to build; this command runs it
    /// in its place with the same arguments.
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "在浏览器中使用登记库 / The registry as web pages (runs registry-web).",
            discussion:
                "registry serve [--port 8420] [--host 127.0.0.1] [--password 密码] [--db 文件]；详见 registry-web --help。")

        @Argument(parsing: .allUnrecognized, help: "registry-web 的参数 / Arguments for registry-web.") var arguments:
            [String] = []

        func run() throws {
            guard let program = Self.locate() else {
                Console.error(
                    "找不到 registry-web（网页版）：请先构建 village-web（cd village-web && swift build），或用 $REGISTRY_WEB 指明它的位置"
                        + " / registry-web not found: build village-web, or point $REGISTRY_WEB at it")
                throw ExitCode.failure
            }
            let argv = [program] + arguments
            var cArgs = argv.map { strdup($0) } + [nil]
            execv(program, &cArgs)
            Console.error("无法运行 \(program)：\(String(cString: strerror(errno)))")
            throw ExitCode.failure
        }

        /// $REGISTRY_WEB, else `registry-web` beside this program, else on $PATH.
        static func locate() -> String? {
            let fm = FileManager.default
            if let given = ProcessInfo.processInfo.environment["REGISTRY_WEB"], fm.isExecutableFile(atPath: given) {
                return given
            }
            let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            let sibling = me.deletingLastPathComponent().appendingPathComponent("registry-web").path
            if fm.isExecutableFile(atPath: sibling) { return sibling }
            for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
                let candidate = "\(dir)/registry-web"
                if fm.isExecutableFile(atPath: candidate) { return candidate }
            }
            return nil
        }
    }
}
