import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RegistryCore

/// An HTTP exchange with the county server: what the sync session needs, so that tests can count calls.
public protocol SyncTransport: Sendable {
    /// Sends a request and returns the status and body. Throws only when no answer came (network errors).
    func send(_ method: String, _ path: String, query: [String: String], body: Data?) async throws -> (status: Int, body: Data)
}

/// The transport over URLSession (libcurl underneath on Linux), with a bearer token and retries with backoff
/// on network errors and 5xx answers.
public struct HTTPTransport: SyncTransport {
    public let base: URL
    let token: String
    let attempts: Int
    let sleep: @Sendable (Double) async -> Void

    /// A transport to `base` (e.g. `http://127.0.0.1:8080`) authenticating with `token`.
    public init(base: URL, token: String, attempts: Int = 5,
                sleep: @escaping @Sendable (Double) async -> Void = { try? await Task.sleep(nanoseconds: UInt64($0 * 1e9)) }) {
        self.base = base
        self.token = token
        self.attempts = attempts
        self.sleep = sleep
    }

    public func send(_ method: String, _ path: String, query: [String: String], body: Data?) async throws -> (status: Int, body: Data) {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        var request = URLRequest(url: components.url!, timeoutInterval: 60)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        var delay = 0.5
        var lastError: (any Error)?
        for attempt in 1...attempts {
            do {
                let (data, response) = try await URLSession.shared.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if status >= 500 && attempt < attempts {
                    await sleep(delay)
                    delay *= 2
                    continue
                }
                return (status, data)
            } catch {
                lastError = error
                if attempt < attempts {
                    await sleep(delay)
                    delay *= 2
                }
            }
        }
        throw RegistryError(nil, zh: "无法连接县服务器 \(base.absoluteString)（\(lastError.map { "\($0.localizedDescription)" } ?? "")），已保存的数据不受影响，稍后再同步",
                            en: "cannot reach the county server \(base.absoluteString) (\(lastError.map { "\($0.localizedDescription)" } ?? "")); nothing is lost, sync again later")
    }
}
