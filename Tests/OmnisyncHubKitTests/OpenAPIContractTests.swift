import Foundation
import Hummingbird
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// `docs/openapi.yaml` describes exactly the routes the hub serves: a route
/// added without its contract, or a contract left for a route removed, fails
/// here. (What the routes answer is checked against the schemas by
/// schemathesis against a live hub, in `scripts/api-contract`.)
@Suite struct OpenAPIContractTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `METHOD /path` for every operation under `paths:` (parameters as `{name}`, as Hummingbird prints them).
    static func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOf: repository.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var operations = Set<String>()
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, let first = line.first, !first.isWhitespace { break }
            guard inPaths else { continue }
            if let match = line.wholeMatch(of: /\ \ (\/[^:]*):\s*/) {
                path = String(match.output.1)
            } else if let match = line.wholeMatch(of: /\ {4}(get|post|put|patch|delete|head|options):\s*/), let path {
                operations.insert("\(match.output.1.uppercased()) \(path)")
            }
        }
        return operations
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let hub = try await HubFixture.make(.sqlite)
        defer { hub.directory.remove() }
        let router = HubRouter.make(store: hub.store, adminToken: hub.adminToken)
        let served = Set(router.routes.map { "\($0.method) \($0.path.description.hasPrefix("/") ? "" : "/")\($0.path)" })
        let documented = try Self.documentedOperations()
        #expect(documented.count >= 10, "the spec was read: \(documented.sorted())")
        #expect(served.subtracting(documented).isEmpty, "served but not in docs/openapi.yaml: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "in docs/openapi.yaml but not served: \(documented.subtracting(served).sorted())")
    }
}
