import XCTest
final class ReplTestsPlaceholder: XCTestCase { func testNothing() {} }
