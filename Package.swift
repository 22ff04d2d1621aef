// swift-tools-version:6.2
// One package for the whole project, so that the code every program shares (the registry library, the sync library)
// is compiled once for the tests, the demo and the packages. Three sides live in it:
// - the village: the registry library and the `registry` CLI (GRDB, argument-parser, ZIPFoundation, swift-mustache),
//   under Sources/ and Tests/;
// - the clerk's pages: `registry-web` (Hummingbird), under village-web/;
// - the county: `sync-server` and `sync-bench` (Hummingbird, NIO, PostgreSQL), under sync-server/.
// The village side stays light: `swift build --product registry` builds only what that product depends on, which is
// none of Hummingbird, NIO or PostgresNIO (scripts/package.sh checks it on every run, before building the rest).
import PackageDescription

let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let mustache = Target.Dependency.product(name: "Mustache", package: "swift-mustache")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")

let package = Package(
    name: "VillageRegistry",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "RegistryCore", targets: ["RegistryCore"]),
        .library(name: "RegistrySync", targets: ["RegistrySync"]),
        .executable(name: "registry", targets: ["RegistryCLI"]),
        .executable(name: "registry-bench", targets: ["RegistryBench"]),
        .executable(name: "registry-web", targets: ["RegistryWeb"]),
        .executable(name: "sync-server", targets: ["SyncServerCLI"]),
        .executable(name: "sync-bench", targets: ["SyncBench"]),
    ],
    dependencies: [
        // The village side.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // .xlsx import and export: an .xlsx is a zip of XML parts (no xlsx library is in the package mirror).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // The printable documents and the pages are escaping templates; swift-mustache has no dependencies.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // The clerk's pages and the county server.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // The import page's file upload (multipart/form-data).
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Already built for Hummingbird; named for the connection guard's channel handler.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Already built for Hummingbird; named for the client-version header.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // GET /metrics: swift-metrics with a Prometheus backend.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The PostgreSQL store (`--db postgres://…`).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // For sync-bench's load client only (HummingbirdTesting builds it for the tests anyway).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // MARK: The village: Sources/, Tests/
        .target(
            name: "RegistryCore",
            dependencies: [
                grdb, .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"), mustache,
            ],
            // Sources/RegistryCore/Schema is a link to the top-level schema/ folder: the SQL migrations and
            // the policy tables are data kept there, and compiled into the binary so it runs from anywhere.
            resources: [.embedInCode("Schema"), .embedInCode("Documents")]
        ),
        // libcurl (Debian: libcurl4-openssl-dev), as URLSession uses it underneath on Linux, but reachable: URLSession there
        // cannot trust a county's own certificate authority (`--ca-cert`) and waits forever on a 401 with a challenge.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // libcrypto (Debian: libssl-dev), loaded by libcurl anyway: SHA-256 and HMAC for the carried files.
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "RegistrySync",
            dependencies: [
                "RegistryCore", "CCurl", "CLibCrypto", grdb, .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .executableTarget(name: "RegistryCLI", dependencies: ["RegistryCore", "RegistrySync", argumentParser]),
        .executableTarget(name: "RegistryBench", dependencies: ["RegistryCore", grdb], path: "Sources/RegistryBench"),
        .testTarget(name: "RegistryCoreTests", dependencies: ["RegistryCore", grdb]),
        .testTarget(name: "RegistryCLITests", dependencies: ["RegistryCLI", "RegistryCore", grdb]),

        // MARK: What both servers share: the connection guard and TLS from PEM files (Sources/ServerGuard)
        .target(
            name: "ServerGuard",
            dependencies: [
                "RegistryCore", hummingbird,
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        .testTarget(
            name: "ServerGuardTests",
            dependencies: [
                "ServerGuard", "VillageWeb", "RegistryCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // MARK: The clerk's pages (`registry serve` runs `registry-web`): village-web/
        .target(
            name: "VillageWeb",
            dependencies: [
                "RegistryCore", "RegistrySync", "ServerGuard", hummingbird, mustache,
                .product(name: "MultipartKit", package: "multipart-kit"),
                // The client's address (failed logins are counted per address).
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "village-web/Sources/VillageWeb",
            // The pages' templates, compiled in so that the binary runs from anywhere with no file beside it.
            resources: [.embedInCode("Templates")]
        ),
        .executableTarget(
            name: "RegistryWeb",
            dependencies: ["VillageWeb", argumentParser],
            path: "village-web/Sources/RegistryWeb"
        ),
        .testTarget(
            name: "VillageWebTests",
            dependencies: ["VillageWeb", "RegistryCore", .product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "village-web/Tests/VillageWebTests"
        ),

        // MARK: The county's server: sync-server/
        // libqrencode from the system packages (Debian: libqrencode-dev) draws the declaration poster's QR code.
        .systemLibrary(
            name: "CQREncode",
            path: "sync-server/Sources/CQREncode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .target(
            name: "CountyServer",
            dependencies: [
                "CQREncode", "RegistryCore", "RegistrySync", "ServerGuard", hummingbird,
                // TLS to PostgreSQL (`sslmode=require`).
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                grdb,
                // The C API for the one hot loop that reads columns in place (duplicates in the merge run).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                mustache,
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "sync-server/Sources/CountyServer",
            // Schema links to schema/county: the county's own tables, as SQL data, and PostgresSchema to
            // schema/postgres, the same on PostgreSQL; Templates holds the pages, compiled in too so that the binary
            // runs from anywhere.
            resources: [.embedInCode("Schema"), .embedInCode("PostgresSchema"), .embedInCode("Templates")]
        ),
        .executableTarget(
            name: "SyncServerCLI",
            dependencies: [
                "CountyServer", "RegistrySync", argumentParser, .product(name: "Logging", package: "swift-log"),
            ],
            path: "sync-server/Sources/SyncServerCLI"
        ),
        .executableTarget(
            name: "SyncBench",
            dependencies: [
                "CountyServer", "RegistryCore", "RegistrySync", grdb,
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "sync-server/Sources/SyncBench"
        ),
        .testTarget(
            name: "CountyServerTests",
            // VillageWeb: the clerk's pages' sync against a real county (OperationsTests).
            dependencies: [
                "CountyServer", "VillageWeb", .product(name: "HummingbirdTesting", package: "hummingbird"), grdb,
            ],
            path: "sync-server/Tests/CountyServerTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
