import Foundation
import XCTest
@testable import Tensors

/// Every file xai writes goes through SafeFile: whole or not at all, through symbolic links,
/// keeping permissions, and never over something that is not a regular file.
final class SafeFileTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("xai-safefile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func contents(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }
    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".xai-") }
    }

    func testWritesANewFileAndReplacesAnOldOneWhole() throws {
        let url = folder.appendingPathComponent("a.txt")
        try SafeFile.write(Data("one".utf8), to: url)
        XCTAssertEqual(try contents(url), "one")
        try SafeFile.write(Data("two, longer".utf8), to: url)
        XCTAssertEqual(try contents(url), "two, longer")
        try SafeFile.write(Data(), to: url)
        XCTAssertEqual(try contents(url), "")
        XCTAssertEqual(try leftovers(), [])
    }

    func testWritesThroughASymbolicLinkAndKeepsIt() throws {
        let real = folder.appendingPathComponent("real.xai"), link = folder.appendingPathComponent("link.xai")
        try SafeFile.write(Data("old".utf8), to: real)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        try SafeFile.write(Data("new".utf8), to: link)
        XCTAssertEqual(try contents(real), "new")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), real.path)
    }

    func testKeepsTheFilesPermissions() throws {
        let url = folder.appendingPathComponent("script.xai")
        try SafeFile.write(Data("x".utf8), to: url)
        XCTAssertEqual(chmod(url.path, 0o750), 0)
        try SafeFile.write(Data("y".utf8), to: url)
        var info = stat()
        XCTAssertEqual(stat(url.path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o7777, 0o750)
    }

    func testRefusesDevicesFIFOsAndFolders() throws {
        let fifo = folder.appendingPathComponent("pipe")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        for (url, kind) in [(URL(fileURLWithPath: "/dev/null"), "character device"), (fifo, "FIFO"), (folder!, "folder")] {
            XCTAssertThrowsError(try SafeFile.write(Data("x".utf8), to: url)) { error in
                XCTAssertTrue("\(error)".contains("is not a regular file (a \(kind))"), "\(error)")
            }
        }
        var info = stat()
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")
        XCTAssertEqual(try leftovers(), [])
    }

    func testAFolderThatDoesNotExistIsAnErrorThatLeavesNothing() throws {
        let url = folder.appendingPathComponent("missing/a.txt")
        XCTAssertThrowsError(try SafeFile.write(Data("x".utf8), to: url)) { error in
            XCTAssertTrue("\(error)".contains("cannot write"), "\(error)")
        }
        XCTAssertEqual(try leftovers(), [])
    }
}
