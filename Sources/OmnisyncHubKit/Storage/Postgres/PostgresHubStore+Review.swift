public import Foundation
public import OmnisyncCore
import PostgresNIO

/// What operators review on PostgreSQL: status, the conflict log,
/// overdrafts, quarantine and its retry.
extension PostgresHubStore: ReviewStore {
    public func status() async throws(HubError) -> HubStatusReport {
        try await snapshot { connection in
            var quarantinedByTerminal: [String: Int] = [:]
            for try await (terminal, count) in try await connection.query(
                "SELECT terminal, COUNT(*) FROM quarantine GROUP BY terminal", logger: logger
            ).decode((String, Int64).self) {
                quarantinedByTerminal[terminal] = Int(count)
            }
            let terminals = try await connection.query("SELECT \(unescaped: Self.terminalColumns) FROM terminals ORDER BY id", logger: logger)
                .collect().map(Self.terminal).map { record in
                    HubStatusReport.Terminal(
                        terminal: record.id, store: record.store, lastContact: record.lastContact,
                        acknowledgedSeq: record.acknowledgedSeq, reportedBacklog: record.reportedBacklog,
                        clockSkewSeconds: record.clockSkewSeconds, quarantined: quarantinedByTerminal[record.id.rawValue] ?? 0,
                        revoked: record.isRevoked, priceListVersion: record.priceListVersion, priceListSince: record.priceListSince
                    )
                }
            func count(_ query: PostgresQuery) async throws -> Int {
                Int(try await connection.query(query, logger: logger).collect()[0].decode(Int64.self))
            }
            var report = HubStatusReport(
                terminals: terminals,
                quarantined: quarantinedByTerminal.values.reduce(0, +),
                quarantinedOrders: try await count("SELECT COUNT(*) FROM order_quarantine"),
                conflicts: try await count("SELECT COUNT(*) FROM conflicts"),
                overdraftsPendingReview: try await count("SELECT COUNT(*) FROM overdrafts WHERE approved_at_ms IS NULL"),
                // Nothing lingers in a log file here: PostgreSQL's old row versions go with VACUUM.
                erasurePurgePending: false
            )
            report.offerDoubleUsesPendingReview = try await count("SELECT COUNT(*) FROM offer_overuses WHERE approved_at_ms IS NULL")
            for try await fitted in try await connection.query("SELECT fitted_at_ms FROM insight_models WHERE id = 1", logger: logger).decode(Int64.self) {
                report.insightFittedAt = Date(millis: fitted)
            }
            for try await (version, importedAt) in try await connection.query(
                "SELECT version, imported_at_ms FROM price_versions ORDER BY version DESC LIMIT 1", logger: logger
            ).decode((Int64, Int64).self) {
                report.priceList = .init(version: version, importedAt: Date(millis: importedAt))
            }
            report.assessPriceLists(at: Date())
            return report
        }
    }

    public func offerOveruses(includeApproved: Bool) async throws(HubError) -> [OfferOveruseRecord] {
        try await read { connection in try await Self.offerOveruses(connection, includeApproved: includeApproved, id: nil, logger: logger) }
    }

    public func approveOfferOveruse(_ id: Int64, note: String?, at: Date) async throws(HubError) -> OfferOveruseRecord {
        try await transaction { connection in
            try await connection.query(
                "UPDATE offer_overuses SET approved_at_ms = COALESCE(approved_at_ms, \(at.millis)), note = COALESCE(\(note), note) WHERE id = \(id)",
                logger: logger
            )
            guard let record = try await Self.offerOveruses(connection, includeApproved: true, id: id, logger: logger).first else {
                throw HubError(.notFound, "no offer double use #\(id) (see `omnisync-hub review offers`)")
            }
            return record
        }
    }

    private static func offerOveruses(_ connection: PostgresConnection, includeApproved: Bool, id: Int64?, logger: Logger) async throws -> [OfferOveruseRecord] {
        var records: [OfferOveruseRecord] = []
        for try await row in try await connection.query(
            """
            SELECT id, campaign, customer, terminal, store, seq, channel, order_id, uses, allowed, detected_at_ms, approved_at_ms, note, outside_window
            FROM offer_overuses
            WHERE (\(includeApproved) OR approved_at_ms IS NULL) AND (\(id)::bigint IS NULL OR id = \(id)) ORDER BY id
            """,
            logger: logger
        ) {
            records.append(try offerOveruse(row))
        }
        return records
    }

    /// One row of `offer_overuses`. Synchronous on purpose: decoded inline in
    /// the async loop above, it crashed the optimiser (Swift 6.3, release builds).
    private static func offerOveruse(_ row: PostgresRow) throws -> OfferOveruseRecord {
        let cells = row.makeRandomAccess()
        let source = try OfferOveruseRecord.Source(
            terminal: try cells[3].decode(String?.self), store: try cells[4].decode(String?.self), seq: try cells[5].decode(Int64?.self),
            channel: try cells[6].decode(String?.self), orderID: try cells[7].decode(String?.self)
        )
        var record = OfferOveruseRecord(
            id: try cells[0].decode(Int64.self), campaign: try CampaignID(validating: try cells[1].decode(String.self)),
            customer: try CustomerID(validating: try cells[2].decode(String.self)), source: source, uses: Int(try cells[8].decode(Int64.self)),
            allowed: try cells[9].decode(Int64?.self).map(Int.init), detectedAt: Date(millis: try cells[10].decode(Int64.self)) ?? .distantPast,
            approvedAt: Date(millis: try cells[11].decode(Int64?.self)), note: try cells[12].decode(String?.self)
        )
        record.outsideWindow = try cells[13].decode(Bool.self)
        return record
    }

    public func conflicts(customer: CustomerID?, limit: Int) async throws(HubError) -> [ConflictRecord] {
        try await read { connection in
            let columns = "id, customer, field, lost_value, lost_stamp, won_value, won_stamp, terminal, seq, detected_at_ms"
            let rows: [PostgresRow]
            if let customer {
                let id = try await PostgresCustomerRows.resolve(connection, customer, logger: logger)
                rows = try await connection.query(
                    "SELECT \(unescaped: columns) FROM conflicts WHERE customer = \(id.rawValue) ORDER BY id DESC LIMIT \(limit)", logger: logger
                ).collect()
            } else {
                rows = try await connection.query("SELECT \(unescaped: columns) FROM conflicts ORDER BY id DESC LIMIT \(limit)", logger: logger).collect()
            }
            return try rows.map { row in
                let (id, customer, field, lostValue, lostStamp, wonValue, wonStamp, terminal, seq, detected) = try row.decode(
                    (Int64, String, String, String?, String, String?, String, String, Int64, Int64).self
                )
                guard let lost = HLCTimestamp(lostStamp), let won = HLCTimestamp(wonStamp) else {
                    throw HubError(.storage, "conflict #\(id): unreadable stamp")
                }
                return ConflictRecord(
                    id: id, customer: try CustomerID(validating: customer),
                    conflict: FieldConflict(field: field, lost: .init(value: lostValue, stamp: lost), won: .init(value: wonValue, stamp: won)),
                    terminal: try TerminalID(validating: terminal), seq: seq, detectedAt: Date(millis: detected)!
                )
            }
        }
    }

    static let overdraftColumns = "id, customer, terminal, store, seq, redeemed, balance, allowance, detected_at_ms, approved_at_ms, note"

    static func overdraft(_ row: PostgresRow) throws -> OverdraftRecord {
        let (id, customer, terminal, store, seq, redeemed, balance, allowance, detected, approved, note) = try row.decode(
            (Int64, String, String, String, Int64, Int64, Int64, Int64, Int64, Int64?, String?).self
        )
        return OverdraftRecord(
            id: id, customer: try CustomerID(validating: customer), terminal: try TerminalID(validating: terminal),
            store: try StoreID(validating: store), seq: seq, redeemed: redeemed, balance: balance, allowance: allowance,
            detectedAt: Date(millis: detected)!, approvedAt: Date(millis: approved), note: note
        )
    }

    public func overdrafts(includeApproved: Bool) async throws(HubError) -> [OverdraftRecord] {
        try await read { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.overdraftColumns) FROM overdrafts\(unescaped: includeApproved ? "" : " WHERE approved_at_ms IS NULL") ORDER BY id",
                logger: logger
            ).collect().map(Self.overdraft)
        }
    }

    public func quarantined() async throws(HubError) -> [QuarantinedEntry] {
        try await read { connection in
            var entries: [QuarantinedEntry] = []
            for try await (terminal, seq, reason, at, kind, customer) in try await connection.query(
                """
                SELECT q.terminal, q.seq, q.reason, q.quarantined_at_ms, e.kind, e.customer
                FROM quarantine q JOIN entries e ON e.terminal = q.terminal AND e.seq = q.seq
                ORDER BY q.quarantined_at_ms, q.terminal, q.seq
                """,
                logger: logger
            ).decode((String, Int64, String, Int64, String?, String?).self) {
                entries.append(QuarantinedEntry(
                    terminal: try TerminalID(validating: terminal), seq: seq, kind: kind, customer: customer.flatMap(CustomerID.init(rawValue:)),
                    reason: reason, quarantinedAt: Date(millis: at)!
                ))
            }
            return entries
        }
    }

    public func retryQuarantined(terminal: TerminalID?, seq: Int64?, accept: Bool, at: Date) async throws(HubError) -> [RetryOutcome] {
        try await transaction { connection in
            let rows: [PostgresRow]
            switch (terminal, seq) {
            case (let terminal?, let seq?):
                rows = try await connection.query(
                    "SELECT terminal, seq FROM quarantine WHERE terminal = \(terminal.rawValue) AND seq = \(seq) ORDER BY terminal, seq FOR UPDATE",
                    logger: logger
                ).collect()
            case (let terminal?, nil):
                rows = try await connection.query(
                    "SELECT terminal, seq FROM quarantine WHERE terminal = \(terminal.rawValue) ORDER BY terminal, seq FOR UPDATE", logger: logger
                ).collect()
            default:
                rows = try await connection.query("SELECT terminal, seq FROM quarantine ORDER BY terminal, seq FOR UPDATE", logger: logger).collect()
            }
            if rows.isEmpty, let terminal {
                throw HubError(.notFound, "nothing of terminal \(terminal)\(seq.map { " at seq \($0)" } ?? "") is quarantined")
            }
            var outcomes: [RetryOutcome] = []
            for row in rows {
                let (terminalText, seq) = try row.decode((String, Int64).self)
                let id = try TerminalID(validating: terminalText)
                guard let record = try await Self.terminal(connection, id: id, lock: true, logger: logger),
                    let stored = try await connection.query(
                        "SELECT body, hash FROM entries WHERE terminal = \(id.rawValue) AND seq = \(seq)", logger: logger
                    ).collect().first
                else { continue }
                let (body, hash) = try stored.decode((Data, String?).self)
                var incoming = try IncomingEntry.read(body)
                if !accept { incoming.recordedHash = hash }
                let lastClamped = try await connection.query("SELECT last_clamped FROM terminals WHERE id = \(id.rawValue)", logger: logger)
                    .collect()[0].decode(String?.self).flatMap(HLCTimestamp.init)
                var input = try await Self.ingestInput(connection, for: [incoming], terminal: record, lastClamped: lastClamped, receivedAt: at, logger: logger)
                input.acceptPolicyExceptions = accept
                if !accept {
                    if seq == 1 {
                        input.chainTip = .start
                    } else if let tip = try await connection.query(
                        "SELECT hash FROM entries WHERE terminal = \(id.rawValue) AND seq = \(seq - 1)", logger: logger
                    ).collect().first.flatMap({ try $0.decode(String?.self) }) {
                        input.chainTip = .hash(tip)
                    }
                }
                let output = Ingestor().ingest([incoming], input)
                let result = output.stored[0]
                if let reason = result.quarantineReason {
                    try await connection.query(
                        "UPDATE quarantine SET reason = \(reason) WHERE terminal = \(id.rawValue) AND seq = \(seq)", logger: logger
                    )
                    outcomes.append(RetryOutcome(terminal: id, seq: seq, applied: false, reason: reason))
                    continue
                }
                try await Self.writeEffects(output, loaded: input.customers, terminal: record, receivedAt: at, connection, logger: logger)
                try await connection.query(
                    """
                    UPDATE entries SET status = 'applied', body = \(try SQLiteHubStore.body(of: result)), kind = \(result.entry?.event.kind.rawValue),
                        customer = \(result.customer?.rawValue)
                    WHERE terminal = \(id.rawValue) AND seq = \(seq)
                    """,
                    logger: logger
                )
                try await connection.query("DELETE FROM quarantine WHERE terminal = \(id.rawValue) AND seq = \(seq)", logger: logger)
                outcomes.append(RetryOutcome(terminal: id, seq: seq, applied: true, reason: nil))
            }
            return outcomes
        }
    }

    public func approveOverdraft(_ id: Int64, note: String?, at: Date) async throws(HubError) -> OverdraftRecord {
        try await transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE overdrafts SET approved_at_ms = COALESCE(approved_at_ms, \(at.millis)), note = COALESCE(\(note), note) WHERE id = \(id)
                RETURNING \(unescaped: Self.overdraftColumns)
                """,
                logger: logger
            ).collect()
            guard let row = rows.first else { throw HubError(.notFound, "no overdraft #\(id) (see `omnisync-hub review list`)") }
            return try Self.overdraft(row)
        }
    }
}
