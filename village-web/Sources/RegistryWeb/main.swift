import ArgumentParser
import Foundation
import Hummingbird
import Logging
import RegistryCore
import VillageWeb

/// `registry-web` (run as `registry serve`): the clerk's pages over a village registry.
@main
struct RegistryWebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry serve",
        abstract: "在浏览器中使用登记库（本机网页） / The registry as web pages for the clerk.",
        discussion:
            "默认只在本机 127.0.0.1 打开；在其他地址提供（乡镇共用）须设 --password。 Opens on 127.0.0.1 only; another address needs --password."
    )

    @Option(help: "登记库文件 / Registry file (default: $REGISTRY_DB or ./registry.sqlite).") var db: String?
    @Option(help: "端口 / Port (0: any free port).") var port = 8420
    @Option(help: "监听地址 / Address to listen on.") var host = "127.0.0.1"
    @Option(help: "登录密码（也可用 $REGISTRY_WEB_PASSWORD） / Login password (or $REGISTRY_WEB_PASSWORD).") var password:
        String?

    func run() async throws {
        let path = db ?? ProcessInfo.processInfo.environment["REGISTRY_DB"] ?? "registry.sqlite"
        let password = self.password ?? ProcessInfo.processInfo.environment["REGISTRY_WEB_PASSWORD"]
        let options = WebOptions(host: host, port: port, password: password?.isEmpty == false ? password : nil)
        guard options.isLoopback || options.password != nil else {
            throw fail(
                "在 \(host) 上提供网页须设置 --password（本机使用请省略 --host）",
                "serving on \(host) needs --password (leave --host out to use this computer only)")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw fail(
                "这里没有登记库：\(path)（--db 写错了？新建请先运行 registry init）",
                "there is no registry at \(path) (mistyped --db? run registry init first)")
        }
        let fixed = ProcessInfo.processInfo.environment["REGISTRY_NOW"].flatMap(RegistryClock.parseNow)
        let registry = try Registry.open(path: path, now: { fixed ?? Date() })
        var logger = Logger(label: "registry-web")
        logger.logLevel = .warning
        let app = WebApp(registry: registry, options: options).application(logger: logger) { port in
            // The address on stdout: scripts and the demo read it (with --port 0).
            FileHandle.standardOutput.write(
                Data("clerk pages on http://\(host.contains(":") ? "[\(host)]" : host):\(port)/\n".utf8))
        }
        try await app.runService()
    }

    func fail(_ zh: String, _ en: String) -> Error {
        FileHandle.standardError.write(Data("\(zh) / \(en)\n".utf8))
        return ExitCode.failure
    }
}
