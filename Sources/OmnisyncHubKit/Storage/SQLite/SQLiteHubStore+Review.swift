public import Foundation
import GRDB
public import OmnisyncCore

/// What operators review: status, the conflict log, overdrafts, quarantine.
extension SQLiteHubStore {
    public func status() async throws(HubError) -> HubStatusReport {
        try await read { db in
            var quarantinedByTerminal: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT terminal, COUNT(*) AS count FROM quarantine GROUP BY terminal") {
                quarantinedByTerminal[row["terminal"]] = row["count"]
            }
            let terminals = try Row.fetchAll(db, sql: "SELECT * FROM terminals ORDER BY id").map { try TerminalRow(row: $0).record }.map { record in
                HubStatusReport.Terminal(
                    terminal: record.id, store: record.store, lastContact: record.lastContact,
                    acknowledgedSeq: record.acknowledgedSeq, reportedBacklog: record.reportedBacklog,
                    clockSkewSeconds: record.clockSkewSeconds, quarantined: quarantinedByTerminal[record.id.rawValue] ?? 0,
                    revoked: record.isRevoked, priceListVersion: record.priceListVersion, priceListSince: record.priceListSince
                )
            }
            var report = HubStatusReport(
                terminals: terminals,
                quarantined: quarantinedByTerminal.values.reduce(0, +),
                quarantinedOrders: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM order_quarantine") ?? 0,
                conflicts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflicts") ?? 0,
                overdraftsPendingReview: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM overdrafts WHERE approved_at_ms IS NULL") ?? 0,
                erasurePurgePending: try Self.setting(db, Self.purgePendingKey, default: false)
            )
            report.offerDoubleUsesPendingReview = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM offer_overuses WHERE approved_at_ms IS NULL") ?? 0
            report.insightFittedAt = Date(millis: try Int64.fetchOne(db, sql: "SELECT fitted_at_ms FROM insight_models WHERE id = 1"))
            if let latest = try Row.fetchOne(db, sql: "SELECT version, imported_at_ms FROM price_versions ORDER BY version DESC LIMIT 1") {
                report.priceList = .init(version: latest["version"], importedAt: Date(millis: latest["imported_at_ms"] as Int64?))
            }
            report.assessPriceLists(at: Date())
            return report
        }
    }

    public func conflicts(customer: CustomerID?, limit: Int) async throws(HubError) -> [ConflictRecord] {
        try await read { db in
            var sql = "SELECT * FROM conflicts"
            var arguments: StatementArguments = []
            if let customer {
                sql += " WHERE customer = ?"
                arguments += [try Self.resolve(db, customer).rawValue]
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [limit]
            return try ConflictRow.fetchAll(db, sql: sql, arguments: arguments).map { try $0.record }
        }
    }

    public func overdrafts(includeApproved: Bool) async throws(HubError) -> [OverdraftRecord] {
        try await read { db in
            let filter = includeApproved ? "" : " WHERE approved_at_ms IS NULL"
            return try OverdraftRow.fetchAll(db, sql: "SELECT * FROM overdrafts\(filter) ORDER BY id").map { try $0.record }
        }
    }

    public func quarantined() async throws(HubError) -> [QuarantinedEntry] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT q.terminal, q.seq, q.reason, q.quarantined_at_ms, e.kind, e.customer
                    FROM quarantine q JOIN entries e ON e.terminal = q.terminal AND e.seq = q.seq
                    ORDER BY q.quarantined_at_ms, q.terminal, q.seq
                    """
            ).map { row in
                QuarantinedEntry(
                    terminal: try TerminalID(validating: row["terminal"]), seq: row["seq"], kind: row["kind"],
                    customer: (row["customer"] as String?).flatMap(CustomerID.init(rawValue:)), reason: row["reason"],
                    quarantinedAt: Date(millis: row["quarantined_at_ms"])!
                )
            }
        }
    }

    public func retryQuarantined(terminal: TerminalID?, seq: Int64?, accept: Bool, at: Date) async throws(HubError) -> [RetryOutcome] {
        let (outcomes, erased) = try await write { db in
            var sql = "SELECT terminal, seq FROM quarantine"
            var arguments: StatementArguments = []
            if let terminal {
                sql += " WHERE terminal = ?"
                arguments += [terminal.rawValue]
                if let seq {
                    sql += " AND seq = ?"
                    arguments += [seq]
                }
            }
            let rows = try Row.fetchAll(db, sql: sql + " ORDER BY terminal, seq", arguments: arguments)
            if rows.isEmpty, let terminal {
                throw HubError(.notFound, "nothing of terminal \(terminal)\(seq.map { " at seq \($0)" } ?? "") is quarantined")
            }
            var outcomes: [RetryOutcome] = []
            var erasedSomeone = false
            for row in rows {
                let id = try TerminalID(validating: row["terminal"])
                let seq: Int64 = row["seq"]
                guard let record = try Self.terminal(db, id: id),
                    let storedRow = try Row.fetchOne(db, sql: "SELECT body, hash FROM entries WHERE terminal = ? AND seq = ?", arguments: [id.rawValue, seq])
                else { continue }
                var incoming = try IncomingEntry.read(storedRow["body"] as Data)
                if !accept {
                    // Re-check the content against what the terminal recorded.
                    incoming.recordedHash = storedRow["hash"]
                }
                let lastClamped = try String.fetchOne(db, sql: "SELECT last_clamped FROM terminals WHERE id = ?", arguments: [id.rawValue]).flatMap(HLCTimestamp.init)
                var input = try Self.ingestInput(db, for: [incoming], terminal: record, lastClamped: lastClamped, receivedAt: at)
                input.acceptPolicyExceptions = accept
                if !accept {
                    // A broken hash chain is re-checked: applying such an entry
                    // takes an operator's explicit --accept.
                    if seq == 1 {
                        input.chainTip = .start
                    } else if let tip = try String.fetchOne(db, sql: "SELECT hash FROM entries WHERE terminal = ? AND seq = ?", arguments: [id.rawValue, seq - 1]) {
                        input.chainTip = .hash(tip)
                    }
                }
                let output = Ingestor().ingest([incoming], input)
                let stored = output.stored[0]
                if let reason = stored.quarantineReason {
                    try db.execute(sql: "UPDATE quarantine SET reason = ? WHERE terminal = ? AND seq = ?", arguments: [reason, id.rawValue, seq])
                    outcomes.append(RetryOutcome(terminal: id, seq: seq, applied: false, reason: reason))
                    continue
                }
                try Self.writeEffects(output, loaded: input.customers, terminal: record, receivedAt: at, in: db)
                try db.execute(
                    sql: "UPDATE entries SET status = 'applied', body = ?, kind = ?, customer = ? WHERE terminal = ? AND seq = ?",
                    arguments: [try Self.body(of: stored), stored.entry?.event.kind.rawValue, stored.customer?.rawValue, id.rawValue, seq]
                )
                try db.execute(sql: "DELETE FROM quarantine WHERE terminal = ? AND seq = ?", arguments: [id.rawValue, seq])
                erasedSomeone = erasedSomeone || !output.erased.isEmpty
                outcomes.append(RetryOutcome(terminal: id, seq: seq, applied: true, reason: nil))
            }
            return (outcomes, erasedSomeone)
        }
        if erased { try purgeOldPageVersions() }
        return outcomes
    }

    public func approveOverdraft(_ id: Int64, note: String?, at: Date) async throws(HubError) -> OverdraftRecord {
        try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT id FROM overdrafts WHERE id = ?", arguments: [id]) != nil else {
                throw HubError(.notFound, "no overdraft #\(id) (see `omnisync-hub review list`)")
            }
            try db.execute(
                sql: "UPDATE overdrafts SET approved_at_ms = COALESCE(approved_at_ms, ?), note = COALESCE(?, note) WHERE id = ?",
                arguments: [at.millis, note, id]
            )
            return try OverdraftRow.fetchOne(db, key: id)!.record
        }
    }

    public func offerOveruses(includeApproved: Bool) async throws(HubError) -> [OfferOveruseRecord] {
        try await read { db in try OfferOveruseRows.fetch(db, includeApproved: includeApproved) }
    }

    public func approveOfferOveruse(_ id: Int64, note: String?, at: Date) async throws(HubError) -> OfferOveruseRecord {
        try await write { db in
            try db.execute(
                sql: "UPDATE offer_overuses SET approved_at_ms = COALESCE(approved_at_ms, ?), note = COALESCE(?, note) WHERE id = ?",
                arguments: [at.millis, note, id]
            )
            guard let record = try OfferOveruseRows.fetch(db, includeApproved: true, id: id).first else {
                throw HubError(.notFound, "no offer double use #\(id) (see `omnisync-hub review offers`)")
            }
            return record
        }
    }

    static func insert(_ db: Database, _ record: ConflictRecord) throws {
        try ConflictRow(record).insert(db)
    }
}
