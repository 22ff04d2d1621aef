import Foundation
import RegistryCore

/// An HTTP exchange with the county server: what the sync session needs, so that tests can count calls.
public protocol SyncTransport: Sendable {
    /// Sends a request and returns the status and body. Throws only when no answer came (network errors).
    func send(_ method: String, _ path: String, query: [String: String], body: Data?) async throws -> (
        status: Int, body: Data
    )
}

/// The transport over libcurl (`Curl`), with a bearer token, this program's version on every request, and retries
/// on network errors and 5xx answers: backoff with jitter (so that 500 villages refused at 17:00 do not come back in
/// step), and a busy server's `Retry-After` honoured. Over plain `http://` it sends a token to a loopback address only,
/// unless told otherwise (`insecureHTTP`): a token in clear on the county's network is anyone's.
public struct HTTPTransport: SyncTransport {
    public let base: URL
    let token: String
    let attempts: Int
    let sleep: @Sendable (Double) async -> Void
    /// A PEM file of the certificate authorities to trust (a county's own), instead of the system's.
    let caFile: String?
    let insecureHTTP: Bool
    /// The version declared to the server (this program's; a test declares an old one).
    let version: String

    /// A transport to `base` (e.g. `https://county.example:8443`) authenticating with `token`.
    public init(
        base: URL, token: String, attempts: Int = 5, caFile: String? = nil, insecureHTTP: Bool = false,
        version: String = RegistryVersion.current,
        sleep: @escaping @Sendable (Double) async -> Void = { try? await Task.sleep(nanoseconds: UInt64($0 * 1e9)) }
    ) {
        self.version = version
        self.base = base
        self.token = token
        self.attempts = attempts
        self.caFile = caFile
        self.insecureHTTP = insecureHTTP
        self.sleep = sleep
    }

    /// The longest a busy server's `Retry-After` is waited for within one run (seconds); longer, the run ends (75).
    static let longestWait = 60.0

    public func send(_ method: String, _ path: String, query: [String: String], body: Data?) async throws -> (
        status: Int, body: Data
    ) {
        try Self.checkScheme(base, insecureHTTP: insecureHTTP)
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty {
            components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        let url = components.url!
        let headers =
            [
                "Authorization: Bearer \(token)", "\(Wire.versionHeader): \(version)",
                "User-Agent: registry/\(RegistryVersion.current)",
            ] + (body != nil ? ["Content-Type: application/json"] : [])
        let caFile = caFile
        var delay = 0.5
        var lastError: Curl.Failure?
        for attempt in 1...attempts {
            do {
                let response = try await Self.offThePool {
                    try Curl.perform(
                        method: method, url: url, headers: headers, body: body, caFile: caFile, timeout: 60)
                }
                if response.status >= 500 || response.status == 429, attempt < attempts {
                    let asked = response.headers["retry-after"].flatMap(Double.init)
                    if let asked, asked > Self.longestWait { return (response.status, response.body) }
                    await sleep(Self.jittered(asked ?? delay))
                    delay *= 2
                    continue
                }
                return (response.status, response.body)
            } catch let failure as Curl.Failure {
                if failure.untrusted {
                    throw RegistryError(
                        nil, zh: "服务器 \(base.host ?? "") 的证书不受信任：用 --ca-cert 给出县里签发证书的 CA 文件（PEM）。未发送任何数据",
                        en:
                            "the certificate of \(base.host ?? "") is not trusted: give the county's CA file (PEM) with --ca-cert; nothing was sent"
                    )
                }
                if !failure.retryable {
                    throw RegistryError(
                        nil, zh: "无法与服务器建立连接：\(failure.detail)", en: "cannot connect to the server: \(failure.detail)")
                }
                lastError = failure
                if attempt < attempts {
                    await sleep(Self.jittered(delay))
                    delay *= 2
                }
            }
        }
        let advice = lastError?.advice ?? Localized(zh: "", en: "")
        throw RegistryError(
            nil, zh: "无法连接服务器 \(base.absoluteString)（\(advice.zh)）。已登记的数据不受影响",
            en: "cannot reach the server \(base.absoluteString) (\(advice.en)); nothing is lost"
        )
        .ending(.unreachable)
    }

    /// The CA file an operator named (`--ca-cert`), checked readable and made absolute, for remembering: the village's
    /// sync and a server's upstream link take it alike.
    public static func caFile(_ path: String) throws -> String {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw RegistryError(nil, zh: "--ca-cert：无法读取 \(path)", en: "--ca-cert: cannot read \(path)").ending(.usage)
        }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Refuses to send a token in clear to anything but this machine, unless `insecureHTTP`.
    public static func checkScheme(_ base: URL, insecureHTTP: Bool) throws {
        switch base.scheme?.lowercased() {
        case "https": return
        case "http" where insecureHTTP || Curl.isLoopback(base.host): return
        case "http":
            throw RegistryError(
                nil,
                zh: "不通过未加密的 http:// 向 \(base.host ?? "") 发送令牌（网上任何人都能截获）：请用 https:// 地址；确需明文（县内专网）时加 --insecure-http",
                en:
                    "a token is not sent over plain http:// to \(base.host ?? "") (anyone on the network could take it): use an https:// address, or --insecure-http on a private network"
            )
            .ending(.usage)
        default:
            throw RegistryError(nil, zh: "服务器地址应以 https:// 开头", en: "the server address must start with https://")
                .ending(.usage)
        }
    }

    /// `seconds` give or take half: retries spread out instead of arriving together.
    static func jittered(_ seconds: Double) -> Double { seconds * Double.random(in: 0.5...1.5) }

    /// Runs a blocking exchange on a thread of its own, so that it never holds one of the cooperative threads, and
    /// exchanges run side by side however many there are (the global dispatch queue runs about one per core; a
    /// relay's, a test's 500 villages', would wait in line).
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}
