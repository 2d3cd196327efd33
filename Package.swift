// swift-tools-version:6.2
// Omnisync: offline-first sync of retail terminals with a head-office hub.
//
// Dependencies point one way: executables -> kits -> core. The core never
// imports GRDB, NIO or libcurl.

import PackageDescription

/// Compiler settings applied to every target, as in swift-log and Hummingbird:
/// explicit existentials, imports visible only where declared, and internal
/// imports unless a module re-exports a type in its public API.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "omnisync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "omnisync-agent", targets: ["omnisync-agent"]),
        .executable(name: "omnisync-hub", targets: ["omnisync-hub"]),
        .executable(name: "omnisync-bench", targets: ["omnisync-bench"]),
        .library(name: "OmnisyncCore", targets: ["OmnisyncCore"]),
        .library(name: "OmnisyncAgentKit", targets: ["OmnisyncAgentKit"]),
        .library(name: "OmnisyncHubKit", targets: ["OmnisyncHubKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    ],
    targets: [
        // MARK: Core (pure: no I/O)
        .target(
            name: "OmnisyncCore",
            // SHA-256 for the journal's hash chain: computation, no I/O.
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),

        // MARK: Insight: the predictive models the hub fits (pure: no I/O)
        .target(
            name: "OmnisyncInsight",
            // SeededGenerator, so a refit of the same data gives the same clusters.
            dependencies: ["OmnisyncCore"],
            swiftSettings: strictSettings
        ),

        // MARK: Durable local storage: SQLite databases and files in a data dir
        .target(
            name: "OmnisyncStorage",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the statements bound in place (BoundStatement).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: libcurl, for the agent's HTTPS client
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "CurlShim",
            dependencies: ["CCurl"]
        ),

        // MARK: Command-line plumbing shared by both executables
        .target(
            name: "OmnisyncCLISupport",
            dependencies: [
                "OmnisyncCore",
                // Settings files and environment under the flags (SettingsSource).
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Agent
        .target(
            name: "OmnisyncAgentKit",
            dependencies: [
                "OmnisyncCore",
                "OmnisyncStorage",
                "CurlShim",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CompressNIO", package: "compress-nio"),
                // The daemon's local API for POS software (HTTP on a Unix socket and loopback).
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // GET /metrics on the local API.
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "omnisync-agent",
            dependencies: [
                "OmnisyncAgentKit",
                "OmnisyncCore",
                "OmnisyncCLISupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Hub
        .target(
            name: "OmnisyncHubKit",
            dependencies: [
                "OmnisyncCore",
                // The predictive models refitted on a schedule (docs/insight.md).
                "OmnisyncInsight",
                "OmnisyncStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The PostgreSQL backend, for hub replicas sharing one database.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // The handshake-completed event, for the TLS handshake time limit.
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // GET /metrics: the Prometheus registry and exposition format.
                .product(name: "Prometheus", package: "swift-prometheus"),
                // The dashboard's server-rendered pages.
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "omnisync-hub",
            dependencies: [
                "OmnisyncHubKit",
                "OmnisyncInsight",
                "OmnisyncCore",
                "OmnisyncCLISupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Benchmarks (release-built; prints figures next to baselines measured in the same run)
        .executableTarget(
            name: "omnisync-bench",
            dependencies: [
                "OmnisyncAgentKit",
                // The catch-up benchmark's baseline: the hub store ingesting directly.
                "OmnisyncHubKit",
                // The insight benchmark's model fits.
                "OmnisyncInsight",
                // The hub load benchmark: simulated terminals' entries, libcurl's
                // multi interface for hundreds of connections, latency percentiles.
                "OmnisyncTestSupport",
                "CCurl",
                "CurlShim",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                // The raw SQLite baseline of the capture benchmark uses the C API GRDB links.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                "OmnisyncCore",
                "OmnisyncCLISupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Testing
        .target(
            name: "OmnisyncTestSupport",
            dependencies: [
                "OmnisyncCore",
                // Scratch databases on the test PostgreSQL server (PostgresScratch).
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OmnisyncCoreTests",
            dependencies: [
                "OmnisyncCore",
                "OmnisyncTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OmnisyncInsightTests",
            dependencies: [
                "OmnisyncInsight",
                "OmnisyncCore",
                "OmnisyncTestSupport",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OmnisyncStorageTests",
            dependencies: [
                "OmnisyncStorage",
                "OmnisyncTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OmnisyncAgentKitTests",
            dependencies: [
                "OmnisyncAgentKit",
                "OmnisyncCore",
                "OmnisyncTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OmnisyncHubKitTests",
            dependencies: [
                "OmnisyncHubKit",
                // To look inside the hub's database after an erasure.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                "OmnisyncCore",
                "OmnisyncTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
                // To read the PostgreSQL backend's tables directly.
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "OmnisyncCore",
                "OmnisyncTestSupport",
                // To read the hub's database directly when checking exactly-once.
                .product(name: "GRDB", package: "GRDB.swift"),
                // To seed a large backlog in one transaction.
                "OmnisyncAgentKit",
                // To make a client certificate from a CA the hub does not trust.
                "OmnisyncHubKit",
                // To check exactly-once in the PostgreSQL backend's tables.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                // Depending on the executables makes `swift test` build them.
                "omnisync-agent",
                "omnisync-hub",
            ],
            swiftSettings: strictSettings
        ),
    ]
)
