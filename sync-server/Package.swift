// swift-tools-version:6.2
// The county's sync server: its own package so that the village CLI never builds Hummingbird. It shares the
// registry's schema, records and merge engine through a path dependency on the root package.
import PackageDescription

let package = Package(
    name: "sync-server",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sync-server", targets: ["SyncServerCLI"]),
        .executable(name: "sync-bench", targets: ["SyncBench"]),
    ],
    dependencies: [
        // Named, because a path dependency is otherwise known by its folder name, which differs per clone.
        .package(name: "VillageRegistry", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Templates that escape every value by default: the dashboard shows what villages pushed.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // Already built for Hummingbird; named for the connection guard's channel handler.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Already built for Hummingbird; named for the client-version header.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // GET /metrics: swift-metrics with a Prometheus backend.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The PostgreSQL store (`--db postgres://…`).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // For sync-bench's load client only (HummingbirdTesting builds it for the tests anyway).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // libqrencode from the system packages (Debian: libqrencode-dev) draws the declaration poster's QR code.
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .target(
            name: "CountyServer",
            dependencies: [
                "CQREncode",
                .product(name: "RegistryCore", package: "VillageRegistry"),
                .product(name: "RegistrySync", package: "VillageRegistry"),
                .product(name: "Hummingbird", package: "hummingbird"),
                // HTTPS (`serve --tls-cert --tls-key`), over swift-nio-ssl.
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // The C API for the one hot loop that reads columns in place (duplicates in the merge run).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            // Sources/CountyServer/Schema links to schema/county: the county's own tables, as SQL data, and PostgresSchema to
            // schema/postgres, the same on PostgreSQL; Templates holds
            // the pages, compiled in too so that the binary runs from anywhere.
            resources: [.embedInCode("Schema"), .embedInCode("PostgresSchema"), .embedInCode("Templates")]
        ),
        .executableTarget(
            name: "SyncServerCLI",
            dependencies: [
                "CountyServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "SyncBench",
            dependencies: [
                "CountyServer",
                .product(name: "RegistryCore", package: "VillageRegistry"),
                .product(name: "RegistrySync", package: "VillageRegistry"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "CountyServerTests",
            dependencies: [
                "CountyServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
