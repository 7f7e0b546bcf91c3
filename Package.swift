// swift-tools-version:6.0
// The Nordwärts toolkit: urban-development analysis for Dortmund's northern districts.
//
// Layers, each depending only on those below it:
//   CGEOS, CPROJ (system libraries) → GeoCore (geometry and CRS) → GeoIO (features, GeoJSON, CSV)
//   → UrbanAnalysis (parcels, districts, potential; later corridors, harbour, energy)
//   → DortmundModel (the generator of the modelled layers of the embedded dataset)
//   → nordwaerts (the batch CLI).
import PackageDescription

let package = Package(
    name: "Nordwaerts",
    products: [
        .library(name: "GeoCore", targets: ["GeoCore"]),
        .library(name: "GeoIO", targets: ["GeoIO"]),
        .library(name: "UrbanAnalysis", targets: ["UrbanAnalysis"]),
        .library(name: "DortmundModel", targets: ["DortmundModel"]),
        .executable(name: "nordwaerts", targets: ["nordwaerts"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        .target(
            name: "GeoCore",
            dependencies: ["CGEOS", "CPROJ"]
        ),
        .target(
            name: "GeoIO",
            dependencies: ["GeoCore"]
        ),
        .target(
            name: "UrbanAnalysis",
            dependencies: ["GeoCore", "GeoIO"]
        ),
        .target(
            name: "DortmundModel",
            dependencies: ["GeoCore", "GeoIO", "UrbanAnalysis"]
        ),
        .executableTarget(
            name: "nordwaerts",
            dependencies: [
                "GeoCore", "GeoIO", "UrbanAnalysis", "DortmundModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GeoCoreTests", dependencies: ["GeoCore", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "GeoIOTests", dependencies: ["GeoIO", "GeoCore", "TestSupport"]),
        .testTarget(name: "UrbanAnalysisTests", dependencies: ["UrbanAnalysis", "GeoIO", "GeoCore", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "CLITests", dependencies: ["nordwaerts", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
