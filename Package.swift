// swift-tools-version:6.0
// The Nordwärts toolkit: urban-development analysis for Dortmund's northern districts.
//
// Layers, each depending only on those below it:
//   CGEOS, CPROJ (system libraries) → GeoCore (geometry and CRS) → GeoIO (features, GeoJSON, CSV)
//   → StreetNetwork (street graphs, walking distance, network catchments)
//   → UrbanAnalysis (parcels, districts, potential; later corridors, harbour, energy)
//   → Transit (GTFS feeds, departures per station, ÖV-Güteklassen; beside UrbanAnalysis)
//   → DortmundModel (the generator of the modelled layers of the embedded dataset)
//   → Scenario (scenario files, runs with variants, comparisons, reports)
//   → nordwaerts (the batch CLI).
import PackageDescription

let package = Package(
    name: "Nordwaerts",
    products: [
        .library(name: "GeoCore", targets: ["GeoCore"]),
        .library(name: "GeoIO", targets: ["GeoIO"]),
        .library(name: "StreetNetwork", targets: ["StreetNetwork"]),
        .library(name: "UrbanAnalysis", targets: ["UrbanAnalysis"]),
        .library(name: "DortmundModel", targets: ["DortmundModel"]),
        .library(name: "Transit", targets: ["Transit"]),
        .library(name: "Scenario", targets: ["Scenario"]),
        .executable(name: "nordwaerts", targets: ["nordwaerts"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CGEOS",
            pkgConfig: "geos",
            providers: [.apt(["libgeos-dev"])]
        ),
        .systemLibrary(
            name: "CPROJ",
            pkgConfig: "proj",
            providers: [.apt(["libproj-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "GeoCore",
            dependencies: ["CGEOS", "CPROJ"]
        ),
        .target(
            name: "GeoIO",
            dependencies: ["GeoCore", "CSQLite"]
        ),
        .target(
            name: "StreetNetwork",
            dependencies: ["GeoCore", "GeoIO", .product(name: "HeapModule", package: "swift-collections")]
        ),
        .target(
            name: "UrbanAnalysis",
            dependencies: ["GeoCore", "GeoIO", "StreetNetwork"]
        ),
        .target(
            name: "Transit",
            dependencies: ["GeoCore", "GeoIO", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .target(
            name: "DortmundModel",
            dependencies: ["GeoCore", "GeoIO", "UrbanAnalysis"]
        ),
        .target(
            name: "Scenario",
            dependencies: [
                "GeoCore", "GeoIO", "StreetNetwork", "UrbanAnalysis", "Transit",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .executableTarget(
            name: "nordwaerts",
            dependencies: [
                "GeoCore", "GeoIO", "StreetNetwork", "UrbanAnalysis", "DortmundModel", "Scenario", "Transit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "analyses-example",
            dependencies: ["UrbanAnalysis", "GeoIO"],
            path: "Examples/AnalysesExample"
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GeoCoreTests", dependencies: ["GeoCore", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "GeoIOTests", dependencies: ["GeoIO", "GeoCore", "TestSupport"]),
        .testTarget(name: "StreetNetworkTests", dependencies: [
            "StreetNetwork", "GeoIO", "GeoCore", "TestSupport",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ], exclude: ["Reference"]),
        .testTarget(name: "UrbanAnalysisTests", dependencies: ["UrbanAnalysis", "GeoIO", "GeoCore", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "Transit", "StreetNetwork", "UrbanAnalysis", "GeoIO", "GeoCore", "TestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "PropertyTests", dependencies: ["UrbanAnalysis", "GeoCore", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "TransitTests", dependencies: ["Transit", "GeoIO", "GeoCore", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "CLITests", dependencies: ["nordwaerts", "GeoIO", "TestSupport"], exclude: ["Reference", "QGIS"]),
    ],
    swiftLanguageModes: [.v6]
)
