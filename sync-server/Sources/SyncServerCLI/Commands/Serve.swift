import ArgumentParser
import CountyServer
import Foundation
import Logging
import RegistryCore

#if canImport(Glibc)
    import Glibc
#endif

extension SyncServerCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "运行服务器 / Run the server.")
        @OptionGroup var options: ServerOptionsGroup
        @Option(help: "监听地址 / Host.") var host = "127.0.0.1"
        @Option(help: "端口（0 为任意空闲端口） / Port (0: any free port).") var port = 8080
        @Option(help: "允许的时钟超前（秒） / Allowed clock skew in seconds.") var maxSkew = 600
        @Option(help: "新连接须在几秒内发出请求头 / Seconds a new connection has to send its request headers.") var headerTimeout =
            30.0
        @Option(help: "保持连接的空闲上限（秒） / Seconds a kept-alive connection may sit idle.") var idleTimeout = 60.0
        @Option(
            help: "每个地址段（IPv4 /24、IPv6 /64）最多同时连接数 / Connections one address group (IPv4 /24, IPv6 /64) may hold.")
        var maxConnectionsPerAddress = 256
        @Option(help: "最多同时连接数（满时先关最早的空闲连接） / Connections in all (when full, the oldest idle one is closed).")
        var maxConnections = 4096
        @Option(help: ArgumentHelp("请求体上限（字节） / The largest request body, in bytes.", visibility: .hidden))
        var maxBodyBytes = 2 << 20
        @Option(
            help: ArgumentHelp(
                "同时处理的上传数据上限（字节），超出的先排队 / Push bodies held at once, in bytes; more wait.",
                visibility: .hidden))
        var pushBytesInFlight = 4 << 20
        @Option(help: "定时向上级转发，如 5m、30s、1h（须先 upstream set） / Relay up on this schedule, e.g. 5m.") var upstreamEvery:
            String?
        @Option(help: "HTTPS 证书链（PEM） / Serve HTTPS with this certificate chain (PEM).") var tlsCert: String?
        @Option(help: "HTTPS 私钥（PEM） / The certificate's private key (PEM).") var tlsKey: String?

        func validate() throws {
            if let upstreamEvery, UpstreamSchedule.seconds(upstreamEvery) == nil {
                throw ValidationError("--upstream-every: a duration such as 30s, 5m or 1h (at most 24h)")
            }
            if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        }

        func run() async throws {
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            ServerMetrics.bootstrap()
            keepFreedMemory()
            let logger = Logger(label: "sync-server")
            try await options.run { db in
                _ = try await db.settings()
                var serverOptions = ServerOptions(host: host, port: port)
                serverOptions.maxSkew = TimeInterval(maxSkew)
                serverOptions.connections.headerTimeout = headerTimeout
                serverOptions.connections.idleTimeout = idleTimeout
                serverOptions.connections.perAddress = maxConnectionsPerAddress
                serverOptions.connections.maxConnections = maxConnections
                serverOptions.maxBody = maxBodyBytes
                serverOptions.pushBytesInFlight = pushBytesInFlight
                if let tlsCert, let tlsKey { serverOptions.tls = (tlsCert, tlsKey) }
                let app = try buildApplication(store: db, options: serverOptions, logger: logger) { port in
                    // Scripts and tests read the bound port from this line.
                    FileHandle.standardOutput.write(
                        Data("listening on \(tlsCert == nil ? "" : "https://")\(host):\(port)\n".utf8))
                }
                let relay = upstreamEvery.flatMap(UpstreamSchedule.seconds).map { interval in
                    Task { await UpstreamSchedule.run(every: interval, store: db, logger: logger) }
                }
                defer { relay?.cancel() }
                let replica = (db as? PostgresStore).map { store in Task { await store.keepReadsReady() } }
                defer { replica?.cancel() }
                try await app.runService()
            }
        }
    }
}

/// Tells glibc's allocator to keep up to 128 MB of freed memory instead of handing it back to the kernel at once.
/// The server's many threads (event loops, the database's reader and writer queues) each get an arena, and glibc
/// trimmed them after nearly every request: under 500 villages pushing at once the kernel spent a quarter of the
/// server's time mapping pages back in and flushing other cores' TLBs (`perf`: page faults, `madvise`). Measured:
/// 500 × 1,000 changes in pushes of 50, all at once, 36.1 -> 30.0 s, system time 12.3 -> 6.5 s; peak memory unchanged
/// (130 MB). The server's memory stays bounded by what it uses at its peak.
func keepFreedMemory() {
    #if canImport(Glibc)
        // mallopt is declared in malloc.h, which Glibc's Swift module does not include: look it up by name.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }  // RTLD_DEFAULT
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-1, 128 << 20)  // M_TRIM_THRESHOLD
        _ = mallopt(-3, 128 << 20)  // M_MMAP_THRESHOLD
    #endif
}
