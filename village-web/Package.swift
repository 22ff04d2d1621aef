// swift-tools-version:6.2
// The clerk's pages (`registry serve`, the `registry-web` binary): the village registry as web pages in Chinese, on
// the village computer, offline. Its own package so that the `registry` CLI keeps building without Hummingbird;
// it shares the registry library through a path dependency on the root package.
import PackageDescription

let package = Package(
    name: "village-web",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "registry-web", targets: ["RegistryWeb"]),
    ],
    dependencies: [
        // Named, because a path dependency is otherwise known by its folder name, which differs per clone.
        .package(name: "VillageRegistry", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The import page's file upload (multipart/form-data).
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        .target(
            name: "VillageWeb",
            dependencies: [
                .product(name: "RegistryCore", package: "VillageRegistry"),
                .product(name: "RegistrySync", package: "VillageRegistry"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            // The pages' templates, compiled in so that the binary runs from anywhere with no file beside it.
            resources: [.embedInCode("Templates")]
        ),
        .executableTarget(
            name: "RegistryWeb",
            dependencies: ["VillageWeb", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "VillageWebTests",
            dependencies: [
                "VillageWeb",
                .product(name: "RegistryCore", package: "VillageRegistry"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
