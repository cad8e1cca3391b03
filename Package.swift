// swift-tools-version:6.0
// xai: a notebook-style REPL for building, training and explaining neural models.
import PackageDescription

// Release builds drop bounds and overflow checks in the numeric engine's inner loops (the
// tensors, layers, training and explainers), where every size and index is validated once
// per op, with overflow-checked arithmetic, before the loop runs (Shape.count, slicing, the
// safetensors and CSV readers). Measured with xai-bench on one thread, checks would cost
// 1.5–2× on training and text explanations. The language (values, lists, strings, slices)
// keeps Swift's checks: it is where untrusted input is indexed, and it costs little there.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]
let checked: [SwiftSetting] = [.unsafeFlags(["-wmo"], .when(configuration: .release))]

let package = Package(
    name: "xai",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "xai", targets: ["xai"]),
        .library(name: "Tensors", targets: ["Tensors"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // RFC 4180 CSV/TSV reading (quoted fields, embedded separators and newlines, CRLF).
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // HTTP and WebSocket server of `xai notebook` (no SwiftNIO: a light build).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // xai's compute kernels in C: per-function CPU targets (AVX-512, AVX2+FMA, NEON) and
        // explicit fused multiply-adds, which Swift cannot express. -ffp-contract=off keeps the
        // compiler from fusing or splitting anything itself; -fno-math-errno lets √ vectorise
        // (it is exact either way); -O3 also in debug builds, so that tests run at speed.
        .target(name: "CKernels", path: "Sources/CKernels",
                cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off", "-fno-math-errno"])]),
        // libedit's el_set/history are C variadics, which Swift cannot call: a small C shim wraps them.
        .target(name: "CEditLine", path: "Sources/CEditLine",
                linkerSettings: [.linkedLibrary("edit")]),

        .target(name: "Tensors", dependencies: ["CKernels"], swiftSettings: fast),
        .target(name: "Layers", dependencies: ["Tensors"], swiftSettings: fast),
        .target(name: "Training", dependencies: ["Layers", "Tensors", .product(name: "CSV", package: "CSV.swift")],
                swiftSettings: fast),
        // Checkpoints in the Hugging Face format: their configurations, tokenizers and models.
        .target(name: "Pretrained", dependencies: ["Training", "Layers", "Tensors"], swiftSettings: fast),
        // Pictures for people: colours, terminal charts and SVG figures (no engine types).
        .target(name: "Pictures"),
        // Attribution methods and their evaluation, on the engine, layers and models.
        .target(name: "Explain", dependencies: ["Training", "Layers", "Tensors", "Pictures"], swiftSettings: fast),
        // The language's front end (lexer, parser, AST) knows nothing of tensors.
        .target(name: "Syntax"),
        .target(name: "Lang", dependencies: ["Syntax", "Tensors", "Layers", "Training", "Explain", "Pictures",
                                            "Pretrained"], swiftSettings: checked),
        .target(name: "Repl", dependencies: ["Lang", "Syntax", "Tensors", "Training", "Explain", "Pictures", "CEditLine"]),
        // `xai notebook`: a live notebook in the browser over one session, saved as a .xai script.
        .target(name: "NotebookServer", dependencies: ["Repl", "Lang", "Tensors", "Pictures",
                                                       .product(name: "FlyingFox", package: "FlyingFox")]),
        .executableTarget(name: "xai", dependencies: [
            "Repl", "Lang", "Pictures", "NotebookServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Fuzzing entry points for libFuzzer (scripts/fuzz.sh); a plain build replays inputs.
        .executableTarget(name: "xai-fuzz", dependencies: ["Lang", "Repl", "Tensors", "Training"]),
        .executableTarget(name: "xai-bench", dependencies: ["Tensors", "Layers", "Training", "Explain", "Lang",
                                                           "Pretrained"],
                          swiftSettings: fast),

        // Helpers every test target shares: the reference folder, tensor comparisons, expected errors.
        .target(name: "TestSupport", dependencies: ["Tensors"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "TestSupport"]),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "TestSupport"]),
        .testTarget(name: "ExplainTests", dependencies: ["Explain", "TestSupport"]),
        .testTarget(name: "PretrainedTests", dependencies: ["Pretrained", "Explain", "TestSupport"]),
        .testTarget(name: "PicturesTests", dependencies: ["Pictures", "TestSupport"]),
        .testTarget(name: "SyntaxTests", dependencies: ["Syntax", "TestSupport"]),
        .testTarget(name: "LangTests", dependencies: ["Lang", "TestSupport"]),
        .testTarget(name: "ReplTests", dependencies: ["Repl", "TestSupport"]),
        .testTarget(name: "NotebookServerTests", dependencies: ["NotebookServer", "Repl", "TestSupport",
                                                               .product(name: "FlyingFox", package: "FlyingFox")]),
    ],
    swiftLanguageModes: [.v5]
)
