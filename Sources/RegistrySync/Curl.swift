import CCurl
import Foundation
import RegistryCore

/// One HTTP exchange over libcurl, blocking (run off the cooperative pool by `HTTPTransport`).
enum Curl {
    struct Response {
        var status: Int
        var body: Data
        /// Header names lower-cased.
        var headers: [String: String]
    }

    /// Why an exchange got no answer, and whether trying again may help (a certificate nobody trusts will not).
    struct Failure: Error {
        var code: CURLcode
        var detail: String
        /// What went wrong and what to do, in the clerk's words, for the failures a village office meets.
        var advice: Localized {
            switch code {
            case CURLE_COULDNT_RESOLVE_HOST:
                Localized(
                    zh: "找不到这个地址：请核对服务器地址是否写错；地址无误时检查网络",
                    en: "no such host: check the server address for a typo; if it is right, check the network")
            case CURLE_COULDNT_CONNECT:
                Localized(
                    zh: "服务器没有应答：请核对地址和端口；无误时可能是网络不通或服务器未开，稍后再同步",
                    en:
                        "the server did not answer: check the address and port; if they are right, the network or the server is down, sync again later"
                )
            case CURLE_OPERATION_TIMEDOUT:
                Localized(zh: "连接超时：网络不通或太慢，稍后再同步", en: "timed out: the network is down or too slow, sync again later")
            default:
                Localized(zh: detail, en: detail)
            }
        }
        var retryable: Bool {
            ![
                CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_URL_MALFORMAT,
                CURLE_UNSUPPORTED_PROTOCOL,
            ].contains(code)
        }
        var untrusted: Bool { code == CURLE_PEER_FAILED_VERIFICATION }
    }

    private static let ready: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// The most an answer may hold: a pull page of 5,000 of the largest rows fits many times over. A hostile or
    /// impersonated server (a plain-HTTP sync on the path) answering with gigabytes is cut off here rather than
    /// buffered whole (the second security review saw 2 GB in 1.9 s).
    static let maxResponseBytes = 128 << 20
    /// The most header lines an answer may carry.
    static let maxHeaders = 100

    /// What the callbacks fill in.
    private final class Sink {
        var body = Data()
        var headers: [String: String] = [:]
        var tooLarge = false
    }

    static func perform(method: String, url: URL, headers: [String], body: Data?, caFile: String?, timeout: Int) throws
        -> Response
    {
        guard ready, let handle = curl_easy_init() else { throw Failure(code: CURLE_FAILED_INIT, detail: "libcurl") }
        defer { curl_easy_cleanup(handle) }
        let sink = Sink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in headers + ["Expect:"] { list = curl_slist_append(list, header) }  // no 100-continue round trip
        defer { curl_slist_free_all(list) }

        _ = ccurl_set_string(handle, CURLOPT_URL, url.absoluteString)
        _ = ccurl_set_pointer(handle, CURLOPT_HTTPHEADER, list)
        _ = ccurl_set_long(handle, CURLOPT_NOSIGNAL, 1)  // threads: no SIGALRM for timeouts
        _ = ccurl_set_long(handle, CURLOPT_CONNECTTIMEOUT, 10)
        _ = ccurl_set_long(handle, CURLOPT_TIMEOUT, timeout)
        _ = ccurl_set_long(handle, CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTP | CURLPROTO_HTTPS))
        if let caFile { _ = ccurl_set_string(handle, CURLOPT_CAINFO, caFile) }
        // A loopback server is never reached through a proxy the environment names.
        if Self.isLoopback(url.host) { _ = ccurl_set_string(handle, CURLOPT_PROXY, "") }
        switch (method, body) {
        case ("GET", nil):
            _ = ccurl_set_long(handle, CURLOPT_HTTPGET, 1)
        case (_, let body?):
            _ = ccurl_set_string(handle, CURLOPT_CUSTOMREQUEST, method)
            _ = ccurl_set_size(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes {
                _ = ccurl_set_pointer(
                    handle, CURLOPT_COPYPOSTFIELDS,
                    UnsafeMutableRawPointer(mutating: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            }
        default:
            _ = ccurl_set_string(handle, CURLOPT_CUSTOMREQUEST, method)
        }
        _ = ccurl_set_function(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            if sink.body.count + size * count > Curl.maxResponseBytes {
                sink.tooLarge = true
                return 0  // libcurl stops the transfer (CURLE_WRITE_ERROR)
            }
            if let data {
                sink.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count)
            }
            return size * count
        }
        _ = ccurl_set_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = ccurl_set_function(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            if sink.headers.count >= Curl.maxHeaders {
                sink.tooLarge = true
                return 0
            }
            if let data,
                let line = String(bytes: UnsafeRawBufferPointer(start: data, count: size * count), encoding: .utf8),
                let colon = line.firstIndex(of: ":")
            {
                sink.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespacesAndNewlines)
            }
            return size * count
        }
        _ = ccurl_set_pointer(handle, CURLOPT_HEADERDATA, context)

        let code = curl_easy_perform(handle)
        if sink.tooLarge {
            throw RegistryError(
                nil,
                zh:
                    "服务器 \(url.host ?? "") 的回答超过 \(maxResponseBytes >> 20) MB 或 \(maxHeaders) 个头部，已中止：请确认地址是本县的服务器（未写入任何数据）",
                en:
                    "the answer of \(url.host ?? "") exceeds \(maxResponseBytes >> 20) MB or \(maxHeaders) headers and was cut off: check that the address is your county's server (nothing was written)"
            )
        }
        guard code == CURLE_OK else { throw Failure(code: code, detail: String(cString: curl_easy_strerror(code))) }
        return Response(status: ccurl_response_code(handle), body: sink.body, headers: sink.headers)
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ host: String?) -> Bool {
        guard let host = host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else {
            return false
        }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
