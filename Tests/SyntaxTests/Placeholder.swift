import XCTest
final class SyntaxTestsPlaceholder: XCTestCase { func testNothing() {} }
