import XCTest
final class LangTestsPlaceholder: XCTestCase { func testNothing() {} }
