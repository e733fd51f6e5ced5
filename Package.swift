// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ovl-conform",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ovl-conform", targets: ["ovl-conform"]),
        // overlayfs-progs' command line over the same checker, for xfstests (FSCK_OVERLAY_PROG).
        .executable(name: "fsck.overlay", targets: ["FsckOverlay"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // Pure reference model of overlayfs semantics: stdlib only.
        .target(name: "OvlModel"),
        // Case files (YAML) -> scenarios, with a source location on every node.
        .target(name: "OvlCase", dependencies: ["OvlModel", .product(name: "Yams", package: "Yams")]),
        // C libraries wrapped as system-library targets.
        .systemLibrary(name: "CLibMount", pkgConfig: "mount", providers: [.apt(["libmount-dev"])]),
        .systemLibrary(name: "CLibAttr", providers: [.apt(["libattr1-dev"])]),
        .systemLibrary(name: "CLinux"),
        // Syscall layer: the one place where -1 becomes a typed errno.
        .target(name: "OvlSys", dependencies: ["CLibMount", "CLibAttr", "CLinux"]),
        // Guest executor: runs a scenario's steps on real mounts and records observations.
        .target(name: "OvlGuest", dependencies: ["OvlModel", "OvlProtocol", "OvlSys", "OvlLayerDisk"]),
        // Layer folders on disk: read into the model's `Layer`s, repaired as a plan says; never judged here.
        .target(name: "OvlLayerDisk", dependencies: ["OvlModel", "OvlSys"]),
        // Offline layer checker (fsck.overlay): the model's invariants over `OvlLayerDisk`'s folders.
        .target(name: "OvlFsck", dependencies: ["OvlModel", "OvlSys", "OvlLayerDisk"]),
        // The plan the host sends the guest and the records it sends back, with job telemetry.
        .target(name: "OvlProtocol", dependencies: ["OvlModel"]),
        // VM harness: kernel cache, module build, initramfs, QEMU, the results channel.
        .target(name: "OvlVM", dependencies: ["OvlProtocol"]),
        // Checker (model vs observations), verdicts, reporters.
        // Random scenarios and their shrinking (`ovl-conform fuzz`): pure, like the model.
        .target(name: "OvlFuzz", dependencies: ["OvlModel"]),
        .target(name: "OvlRunner", dependencies: ["OvlModel", "OvlProtocol", "OvlCase", "OvlVM", "OvlFuzz"]),
        .executableTarget(
            name: "ovl-conform",
            dependencies: [
                "OvlRunner", "OvlGuest", "OvlProtocol", "OvlCase", "OvlFuzz", "OvlFsck", "OvlLayerDisk",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "FsckOverlay", dependencies: ["OvlFsck", "OvlLayerDisk", "OvlModel", "OvlSys"]),
        .testTarget(name: "OvlModelTests", dependencies: ["OvlModel"]),
        .testTarget(name: "OvlCaseTests", dependencies: ["OvlCase"]),
        .testTarget(name: "OvlFuzzTests", dependencies: ["OvlFuzz", "OvlCase", "OvlModel"]),
        .testTarget(name: "OvlFsckTests", dependencies: ["OvlFsck", "OvlLayerDisk", "OvlModel", "OvlSys"]),
        .testTarget(name: "OvlRunnerTests", dependencies: ["OvlRunner", "OvlCase", "OvlModel", "OvlProtocol", "OvlVM", "OvlFuzz"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
