// swift-tools-version:6.1
// The village side: the registry library and the `registry` CLI (GRDB, argument-parser, ZIPFoundation). Kept light on purpose: the county's
// sync-server is its own package (sync-server/) so that a village laptop never builds Hummingbird.
import PackageDescription

let package = Package(
    name: "VillageRegistry",
    products: [
        .library(name: "RegistryCore", targets: ["RegistryCore"]),
        .library(name: "RegistrySync", targets: ["RegistrySync"]),
        .executable(name: "registry", targets: ["RegistryCLI"]),
        .executable(name: "registry-bench", targets: ["RegistryBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // .xlsx import and export: an .xlsx is a zip of XML parts (no xlsx library is in the package mirror).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // The printable documents (日报表, 告知书) are escaping templates; swift-mustache has no dependencies.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .target(
            name: "RegistryCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // Sources/RegistryCore/Schema is a link to the top-level schema/ folder: the SQL migrations and
            // the policy tables are data kept there, and compiled into the binary so it runs from anywhere.
            resources: [.embedInCode("Schema"), .embedInCode("Documents")]
        ),
        // libcurl (Debian: libcurl4-openssl-dev), as URLSession uses it underneath on Linux, but reachable: URLSession there
        // cannot trust a county's own certificate authority (`--ca-cert`) and waits forever on a 401 with a challenge.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "RegistrySync",
            dependencies: ["RegistryCore", "CCurl", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .executableTarget(
            name: "RegistryCLI",
            dependencies: [
                "RegistryCore",
                "RegistrySync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "RegistryBench",
            dependencies: ["RegistryCore", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Sources/RegistryBench"
        ),
        .testTarget(
            name: "RegistryCoreTests",
            dependencies: ["RegistryCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "RegistryCLITests",
            dependencies: ["RegistryCLI", "RegistryCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
