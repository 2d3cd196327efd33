public import Foundation
import GRDB
public import OmnisyncCore

/// One agent installation: a data dir with its journal, local profiles and
/// sync state. The executable's commands are thin calls into this type.
///
/// Every method is safe to call while another process (the daemon, a `record`)
/// uses the same data dir: SQLite in WAL mode lets readers proceed, and writers
/// wait for each other.
public struct Agent: Sendable {
    public let directory: AgentDataDirectory
    let database: DatabasePool
    /// Decoded price rows shared by every quote (``PriceListCache``).
    let priceCache = PriceListCache()

    /// Opens an initialised data dir.
    public static func open(_ directory: AgentDataDirectory) throws(AgentError) -> Agent {
        guard directory.isInitialized else {
            throw AgentError(.notInitialized, "no agent in \(directory.path); run `omnisync-agent init --data-dir \(directory.path) ...` first")
        }
        do {
            return Agent(directory: directory, database: try AgentDatabase.open(directory))
        } catch {
            throw AgentError(.storage, StorageFailure.describe(error, directory: directory.path))
        }
    }

    /// What `init` needs to know.
    public struct Settings: Sendable {
        public var hub: String
        public var terminal: TerminalID
        public var store: StoreID
        public var token: String
        /// PEM file of the CA the hub's certificate must chain to; copied into the data dir.
        public var caFile: String?
        /// PEM client certificate and key for hubs that require mutual TLS;
        /// both or neither, copied into the data dir (the key owner-only).
        public var clientCertificateFile: String?
        public var clientKeyFile: String?

        public init(
            hub: String, terminal: TerminalID, store: StoreID, token: String, caFile: String?,
            clientCertificateFile: String? = nil, clientKeyFile: String? = nil
        ) {
            self.hub = hub
            self.terminal = terminal
            self.store = store
            self.token = token
            self.caFile = caFile
            self.clientCertificateFile = clientCertificateFile
            self.clientKeyFile = clientKeyFile
        }
    }

    /// Sets up (or re-points) a data dir for a terminal.
    ///
    /// Refuses while the data dir holds entries the hub has not acknowledged:
    /// queued sales are never thrown away by a re-initialisation. Re-running
    /// init with the same terminal and hub keeps the sync position.
    public static func initialize(_ directory: AgentDataDirectory, settings: Settings) throws(AgentError) -> Agent {
        guard settings.hub.lowercased().hasPrefix("https://"), settings.hub.count > "https://".count else {
            throw AgentError(
                .invalidInput,
                "hub URL must start with https:// (got '\(settings.hub)'): the token and customers' personal data never travel in clear text"
            )
        }
        guard !settings.token.isEmpty, !settings.token.contains(where: \.isWhitespace) else {
            throw AgentError(.invalidInput, "the token must be the single word printed by `omnisync-hub terminals add`")
        }
        var caPEM: Data?
        if let caFile = settings.caFile {
            guard let data = FileManager.default.contents(atPath: caFile), String(decoding: data, as: UTF8.self).contains("BEGIN CERTIFICATE") else {
                throw AgentError(.invalidInput, "--ca-file \(caFile) is not a readable PEM certificate")
            }
            caPEM = data
        }
        let clientCredential = try Self.readClientCredential(settings)
        try directory.create()
        let database: DatabasePool
        do {
            database = try AgentDatabase.open(directory)
        } catch {
            throw AgentError(.storage, StorageFailure.describe(error, directory: directory.path))
        }
        do {
            try database.write { db in
                let previous = try? AgentStateRow.fetch(db)
                let (count, oldest) = try Journal.unacknowledged(db)
                let samePlace = previous.map { $0.terminal == settings.terminal && $0.hub == settings.hub } ?? false
                if count > 0 && !samePlace {
                    let age = oldest.map { " (oldest recorded \(RFC3339.format($0)))" } ?? ""
                    throw AgentError(
                        .unacknowledgedEntries,
                        "\(directory.path) holds \(count) entries the hub has not acknowledged\(age); run `omnisync-agent sync` until none are pending, or init a new data dir"
                    )
                }
                var state = previous ?? AgentStateRow(
                    hub: settings.hub, terminal: settings.terminal, store: settings.store, pinnedCA: caPEM != nil,
                    acknowledgedSeq: 0, pullCursor: nil, policy: .default, clock: nil,
                    lastSyncAt: nil, lastAttemptAt: nil, lastError: nil, unreachableSince: nil, hubClockOffsetMillis: nil
                )
                if !samePlace {
                    // A new terminal identity or hub: its own sequence and cursor.
                    state.acknowledgedSeq = 0
                    state.pullCursor = nil
                    state.lastSyncAt = nil
                    state.lastError = nil
                    state.unreachableSince = nil
                }
                state.hub = settings.hub
                state.terminal = settings.terminal
                state.store = settings.store
                state.pinnedCA = caPEM != nil
                try state.save(db)
            }
        } catch {
            throw AgentError.wrapping(error, directory: directory.path)
        }
        try directory.writeFile(directory.tokenPath, Data(settings.token.utf8), permissions: 0o600)
        if let caPEM {
            try directory.writeFile(directory.pinnedCAPath, caPEM, permissions: 0o644)
        } else {
            try? FileManager.default.removeItem(atPath: directory.pinnedCAPath)
        }
        if let clientCredential {
            try directory.writeFile(directory.clientKeyPath, clientCredential.key, permissions: 0o600)
            try directory.writeFile(directory.clientCertificatePath, clientCredential.certificate, permissions: 0o644)
        } else {
            try? FileManager.default.removeItem(atPath: directory.clientCertificatePath)
            try? FileManager.default.removeItem(atPath: directory.clientKeyPath)
        }
        return Agent(directory: directory, database: database)
    }

    /// Reads and sanity-checks the client certificate and key named in `settings`.
    private static func readClientCredential(_ settings: Settings) throws(AgentError) -> (certificate: Data, key: Data)? {
        switch (settings.clientCertificateFile, settings.clientKeyFile) {
        case (nil, nil):
            return nil
        case (let certificateFile?, let keyFile?):
            guard let certificate = FileManager.default.contents(atPath: certificateFile),
                String(decoding: certificate, as: UTF8.self).contains("BEGIN CERTIFICATE")
            else {
                throw AgentError(.invalidInput, "--client-cert \(certificateFile) is not a readable PEM certificate")
            }
            guard let key = FileManager.default.contents(atPath: keyFile), String(decoding: key, as: UTF8.self).contains("PRIVATE KEY-----") else {
                throw AgentError(.invalidInput, "--client-key \(keyFile) is not a readable PEM private key")
            }
            return (certificate, key)
        default:
            throw AgentError(.invalidInput, "--client-cert and --client-key go together")
        }
    }

    /// Records an entry durably and returns its id and sequence number.
    public func record(_ request: RecordRequest, now: Date = Date()) throws(AgentError) -> RecordReceipt {
        do {
            return try database.write { db in try Recorder(priceCache: priceCache).record(request, in: db, now: now) }
        } catch {
            throw AgentError.wrapping(error, directory: directory.path)
        }
    }

    /// Records several entries in one transaction: all durable, with
    /// consecutive sequence numbers, or none (one fsync for the lot).
    public func record(_ requests: [RecordRequest], now: Date = Date()) throws(AgentError) -> [RecordReceipt] {
        do {
            return try database.write { db in
                let recorder = Recorder(priceCache: priceCache)
                return try requests.map { try recorder.record($0, in: db, now: now) }
            }
        } catch {
            throw AgentError.wrapping(error, directory: directory.path)
        }
    }

    /// The transport to this agent's hub, with its pinned CA and token.
    public func makeTransport(options: CurlHTTPClient.Options = .init()) throws(AgentError) -> any HubTransport {
        let state = try read { db in try AgentStateRow.fetch(db) }
        var options = options
        options.caFile = state.pinnedCA ? directory.pinnedCAPath : nil
        if FileManager.default.fileExists(atPath: directory.clientCertificatePath) {
            options.clientCertificateFile = directory.clientCertificatePath
            options.clientKeyFile = directory.clientKeyPath
        }
        let token = try directory.readToken()
        do {
            return try HubClient(hub: state.hub, token: token, options: options)
        } catch {
            throw AgentError(.storage, error.description)
        }
    }

    /// Runs one sync round (waiting for any round already running in another process).
    ///
    /// `options` sets the time limits of each request; the CA and client
    /// certificate always come from the data dir.
    public func sync(
        transport: (any HubTransport)? = nil, options: CurlHTTPClient.Options = .init(), progress: (SyncProgress) -> Void = { _ in }
    ) async throws(AgentError) -> SyncReport {
        let lock = try SyncLock(path: directory.syncLockPath)
        defer { _ = lock }
        let hub: any HubTransport
        if let transport { hub = transport } else { hub = try makeTransport(options: options) }
        let engine = SyncEngine(database: database, directoryPath: directory.path, transport: hub)
        return try await engine.run(progress: progress)
    }

    /// The terminal's sync status.
    public func status(now: Date = Date()) throws(AgentError) -> AgentStatus {
        try read { db in
            let state = try AgentStateRow.fetch(db)
            let pending = try Journal.pending(db, terminal: state.terminal, acknowledgedSeq: state.acknowledgedSeq)
            let prices = try LocalPriceList.version(db)
            return AgentStatus(
                terminal: state.terminal,
                store: state.store,
                hub: state.hub,
                online: state.lastAttemptAt != nil && state.lastError == nil,
                pending: pending.count,
                oldestPendingAge: pending.oldest.map { max(0, now.timeIntervalSince($0)) },
                lastSync: state.lastSyncAt,
                lastAttempt: state.lastAttemptAt,
                lastError: state.lastError,
                unreachableSince: state.unreachableSince,
                acknowledgedSeq: state.acknowledgedSeq,
                lastSeq: try Journal.lastSeq(db, terminal: state.terminal),
                pullCursor: state.pullCursor,
                profiles: try LocalProfileStore.count(db),
                policy: state.policy,
                hubClockOffsetSeconds: state.hubClockOffsetMillis.map { Double($0) / 1000 },
                priceListVersion: prices.version,
                priceListUpdatedAt: prices.updatedAt,
                priceListEntries: try LocalPriceList.count(db)
            )
        }
    }

    /// The local view of a customer, by id or card; nil when this terminal has never seen them.
    public func customer(id: CustomerID) throws(AgentError) -> ProfileState? {
        try read { db in try LocalProfileStore.profile(db, id: id) }
    }

    public func customer(card: CardNumber) throws(AgentError) -> ProfileState? {
        // One statement (card, alias and profile joined) sees one consistent
        // snapshot by itself: no read transaction to open and close around it
        // for every card presented.
        do {
            return try database.unsafeRead { db in try LocalProfileStore.profile(db, card: card) }
        } catch {
            throw AgentError.wrapping(error, directory: directory.path)
        }
    }

    /// Asks the hub for a card this terminal does not know (a customer of
    /// another store), keeps the answer in the local view, and returns it.
    /// Nil when the hub knows no such card either.
    public func lookUpAtHub(card: CardNumber, transport: (any HubTransport)? = nil) async throws(AgentError) -> ProfileState? {
        let hub: any HubTransport
        if let transport { hub = transport } else { hub = try makeTransport(options: .init(connectTimeout: .seconds(3), totalTimeout: .seconds(10))) }
        let found: ProfileState?
        do {
            found = try await hub.lookUp(card: card)
        } catch {
            throw SyncEngine.agentError(error)
        }
        guard let found else { return nil }
        do {
            return try await database.write { db in
                let state = try AgentStateRow.fetch(db)
                let pending = try Journal.pendingEntries(db, terminal: state.terminal, acknowledgedSeq: state.acknowledgedSeq)
                try LocalProfileStore.adopt(db, found, pending: pending)
                return try LocalProfileStore.profile(db, id: found.id)
            }
        } catch {
            throw AgentError.wrapping(error, directory: directory.path)
        }
    }

    /// Checks the journal and local store: SQLite integrity, gapless
    /// sequences, every entry decodes, acknowledgement within the journal.
    public func verify() throws(AgentError) -> VerifyReport {
        try read { db in try JournalVerifier.verify(db) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(AgentError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw AgentError.wrapping(error, directory: directory.path)
        }
    }
}
