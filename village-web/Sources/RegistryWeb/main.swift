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
            "默认只在本机 127.0.0.1 打开；在其他地址提供（乡镇共用）须设 --password，并应设 --tls-cert/--tls-key（否则密码明文经过局域网）。"
            + " Opens on 127.0.0.1 only; another address needs --password, and should have --tls-cert/--tls-key."
    )

    @Option(help: "登记库文件 / Registry file (default: $REGISTRY_DB or ./registry.sqlite).") var db: String?
    @Option(help: "端口 / Port (0: any free port).") var port = 8420
    @Option(help: "监听地址 / Address to listen on.") var host = "127.0.0.1"
    @Option(help: "登录密码（也可用 $REGISTRY_WEB_PASSWORD） / Login password (or $REGISTRY_WEB_PASSWORD).") var password:
        String?
    @Option(help: "HTTPS 证书链（PEM） / Serve HTTPS with this certificate chain (PEM).") var tlsCert: String?
    @Option(help: "HTTPS 私钥（PEM） / The certificate's private key (PEM).") var tlsKey: String?

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    func run() async throws {
        let path = db ?? ProcessInfo.processInfo.environment["REGISTRY_DB"] ?? "registry.sqlite"
        let password = self.password ?? ProcessInfo.processInfo.environment["REGISTRY_WEB_PASSWORD"]
        var options = WebOptions(host: host, port: port, password: password?.isEmpty == false ? password : nil)
        if let tlsCert, let tlsKey { options.tls = (tlsCert, tlsKey) }
        guard options.isLoopback || options.password != nil else {
            throw fail(
                "在 \(host) 上提供网页须设置 --password（本机使用请省略 --host）",
                "serving on \(host) needs --password (leave --host out to use this computer only)")
        }
        if !options.isLoopback && options.tls == nil {
            FileHandle.standardError.write(
                Data(
                    ("注意：未设 --tls-cert/--tls-key，密码和登录凭据将明文经过局域网 / "
                        + "warning: without --tls-cert/--tls-key the password and session cookie cross the network in clear\n")
                        .utf8))
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
        let scheme = options.tls == nil ? "http" : "https"
        do {
            let app = try WebApp(registry: registry, options: options).application(logger: logger) { port in
                // The address on stdout: scripts and the demo read it (with --port 0).
                FileHandle.standardOutput.write(
                    Data("clerk pages on \(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)/\n".utf8))
            }
            try await app.runService()
        } catch let error as RegistryError {
            throw fail(error.reason.zh, error.reason.en)  // a certificate or key that cannot be read
        }
    }

    func fail(_ zh: String, _ en: String) -> Error {
        FileHandle.standardError.write(Data("\(zh) / \(en)\n".utf8))
        return ExitCode.failure
    }
}
