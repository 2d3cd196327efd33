import Foundation
import GRDB
@testable import OmnisyncAgentKit
import OmnisyncCore
import OmnisyncTestSupport

/// An initialised agent in a temporary data dir, pointed at a hub that is
/// never contacted (these tests exercise the journal, not the network).
struct AgentFixture {
    let directory: TemporaryDirectory
    let agent: Agent

    init(terminal: String = "T-1") throws {
        directory = try TemporaryDirectory("agent")
        agent = try Agent.initialize(
            AgentDataDirectory(path: directory.appending("data")),
            settings: .init(hub: "https://127.0.0.1:1", terminal: TerminalID(rawValue: terminal)!, store: StoreID(rawValue: "S-1")!, token: "ost_test", caFile: nil)
        )
    }

    /// Another handle on the same data dir, as a second process would open it.
    func reopen() throws -> Agent { try Agent.open(agent.directory) }

    /// Pretends a sync succeeded at `at` under `policy`, as redemption rules need.
    func synced(at: Date = Date(), policy: LoyaltyPolicy = .default) throws {
        try agent.database.write { db in
            var state = try AgentStateRow.fetch(db)
            state.lastSyncAt = at
            state.policy = policy
            try state.save(db)
        }
    }

    func record(_ kind: JournalEvent.Kind, _ json: String) throws -> RecordReceipt {
        try agent.record(try RecordRequest.decode(kind, from: Data(json.utf8)))
    }

    static func sale(card: String? = nil, customer: String? = nil, cents: Int = 1299, redeemed: Int = 0, receipt: String? = nil) -> String {
        var fields = [#""lines":[{"sku":"SKU-1","quantity":1,"unitPrice":{"amount":\#(cents),"currency":"EUR"}}]"#, #""total":{"amount":\#(cents),"currency":"EUR"}"#]
        if let card { fields.append(#""card":"\#(card)""#) }
        if let customer { fields.append(#""customer":"\#(customer)""#) }
        if redeemed > 0 { fields.append(#""pointsRedeemed":\#(redeemed)"#) }
        if let receipt { fields.append(#""receipt":"\#(receipt)""#) }
        return "{" + fields.joined(separator: ",") + "}"
    }
}
