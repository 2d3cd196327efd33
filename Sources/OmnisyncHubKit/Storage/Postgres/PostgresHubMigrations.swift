import Logging
import PostgresNIO

/// The hub's PostgreSQL schema: named, append-only migrations, applied at
/// start under an advisory lock so replicas starting together migrate once.
///
/// It holds the same tables as the SQLite schema (`docs/architecture.md`; v11 and later),
/// in PostgreSQL's types, plus what several writers need: `change_counter`,
/// the one row whose lock orders profile changes for pulls, and each order's
/// `xid` (the transaction that stored it), which the recompute compares with
/// the snapshot it last read.
enum PostgresHubMigrations {
    /// A shipped migration is never edited; add a new one at the end.
    static let migrations: [(name: String, statements: [String])] = [
        ("v11: the hub schema", [
            """
            CREATE TABLE terminals (
                id TEXT PRIMARY KEY,
                store TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                created_at_ms BIGINT NOT NULL,
                revoked_at_ms BIGINT,
                acknowledged_seq BIGINT NOT NULL DEFAULT 0,
                last_contact_ms BIGINT,
                reported_backlog BIGINT NOT NULL DEFAULT 0,
                clock_skew_ms BIGINT,
                last_clamped TEXT
            )
            """,
            """
            CREATE TABLE entries (
                terminal TEXT NOT NULL,
                seq BIGINT NOT NULL,
                id TEXT NOT NULL,
                kind TEXT,
                customer TEXT,
                recorded_at_ms BIGINT,
                received_at_ms BIGINT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('applied', 'quarantined')),
                body BYTEA NOT NULL,
                hash TEXT,
                PRIMARY KEY (terminal, seq)
            )
            """,
            "CREATE INDEX entries_customer ON entries (customer) WHERE customer IS NOT NULL",
            """
            CREATE TABLE quarantine (
                terminal TEXT NOT NULL,
                seq BIGINT NOT NULL,
                reason TEXT NOT NULL,
                quarantined_at_ms BIGINT NOT NULL,
                PRIMARY KEY (terminal, seq)
            )
            """,
            """
            CREATE TABLE customers (
                id TEXT PRIMARY KEY,
                state BYTEA NOT NULL,
                wire BYTEA,
                change_seq BIGINT NOT NULL,
                orders BIGINT NOT NULL DEFAULT 0,
                returns BIGINT NOT NULL DEFAULT 0,
                visits BIGINT NOT NULL DEFAULT 0,
                first_purchase_ms BIGINT,
                last_purchase_ms BIGINT,
                last_seen_ms BIGINT,
                totals TEXT,
                rfm_recency INTEGER,
                rfm_frequency INTEGER,
                rfm_monetary INTEGER,
                segment TEXT,
                tier TEXT,
                lifecycle TEXT,
                churn_risk BOOLEAN NOT NULL DEFAULT FALSE,
                interests TEXT,
                window_spend TEXT NOT NULL DEFAULT '',
                window_orders BIGINT NOT NULL DEFAULT 0,
                window_stale BOOLEAN NOT NULL DEFAULT FALSE
            )
            """,
            "CREATE INDEX customers_change_seq ON customers (change_seq)",
            // The last change sequence handed out. A transaction takes the next
            // values as its last step, holding this row's lock until it commits:
            // sequences become visible in the order they were handed out.
            "CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), value BIGINT NOT NULL)",
            "INSERT INTO change_counter (id, value) VALUES (1, 0)",
            "CREATE TABLE cards (card TEXT PRIMARY KEY, customer TEXT NOT NULL)",
            "CREATE INDEX cards_customer ON cards (customer)",
            "CREATE TABLE store_customers (store TEXT NOT NULL, customer TEXT NOT NULL, PRIMARY KEY (store, customer))",
            "CREATE INDEX store_customers_customer ON store_customers (customer)",
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value BYTEA NOT NULL)",
            """
            CREATE TABLE conflicts (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                customer TEXT NOT NULL,
                field TEXT NOT NULL,
                lost_value TEXT,
                lost_stamp TEXT NOT NULL,
                won_value TEXT,
                won_stamp TEXT NOT NULL,
                terminal TEXT NOT NULL,
                seq BIGINT NOT NULL,
                detected_at_ms BIGINT NOT NULL
            )
            """,
            "CREATE INDEX conflicts_customer ON conflicts (customer)",
            """
            CREATE TABLE overdrafts (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                customer TEXT NOT NULL,
                terminal TEXT NOT NULL,
                store TEXT NOT NULL,
                seq BIGINT NOT NULL,
                redeemed BIGINT NOT NULL,
                balance BIGINT NOT NULL,
                allowance BIGINT NOT NULL,
                detected_at_ms BIGINT NOT NULL,
                approved_at_ms BIGINT,
                note TEXT
            )
            """,
            "CREATE INDEX overdrafts_pending ON overdrafts (approved_at_ms, id)",
            "CREATE TABLE customer_aliases (alias TEXT PRIMARY KEY, target TEXT NOT NULL, reason TEXT NOT NULL, merged_at_ms BIGINT NOT NULL)",
            "CREATE INDEX customer_aliases_target ON customer_aliases (target)",
            "CREATE TABLE clamped_stamps (terminal TEXT NOT NULL, original TEXT NOT NULL, clamped TEXT NOT NULL, PRIMARY KEY (terminal, original))",
            "CREATE TABLE store_policies (store TEXT PRIMARY KEY, policy BYTEA NOT NULL)",
            """
            CREATE TABLE card_lookups (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                terminal TEXT NOT NULL,
                card_last4 TEXT NOT NULL,
                customer TEXT,
                outcome TEXT NOT NULL,
                at_ms BIGINT NOT NULL
            )
            """,
            "CREATE INDEX card_lookups_terminal_at ON card_lookups (terminal, at_ms)",
            "CREATE INDEX card_lookups_customer ON card_lookups (customer)",
            """
            CREATE TABLE orders (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('sale', 'return')),
                channel TEXT NOT NULL,
                store TEXT,
                terminal TEXT,
                seq BIGINT,
                customer TEXT,
                at_ms BIGINT NOT NULL,
                currency TEXT NOT NULL,
                total BIGINT NOT NULL,
                points_earned BIGINT NOT NULL DEFAULT 0,
                points_redeemed BIGINT NOT NULL DEFAULT 0,
                receipt TEXT,
                order_id TEXT,
                xid XID8 NOT NULL DEFAULT pg_current_xact_id()
            )
            """,
            "CREATE INDEX orders_customer ON orders (customer, at_ms) WHERE customer IS NOT NULL",
            "CREATE INDEX orders_at ON orders (at_ms)",
            "CREATE INDEX orders_xid ON orders (xid)",
            "CREATE UNIQUE INDEX orders_channel_order ON orders (channel, order_id) WHERE order_id IS NOT NULL",
            """
            CREATE TABLE order_lines (
                order_id BIGINT NOT NULL,
                line INTEGER NOT NULL,
                sku TEXT NOT NULL,
                quantity BIGINT NOT NULL,
                amount BIGINT NOT NULL,
                PRIMARY KEY (order_id, line)
            )
            """,
            """
            CREATE TABLE channels (
                name TEXT PRIMARY KEY,
                token_hash TEXT NOT NULL UNIQUE,
                created_at_ms BIGINT NOT NULL,
                revoked_at_ms BIGINT
            )
            """,
            """
            CREATE TABLE order_quarantine (
                channel TEXT NOT NULL,
                order_id TEXT NOT NULL,
                reason TEXT NOT NULL,
                body BYTEA NOT NULL,
                quarantined_at_ms BIGINT NOT NULL,
                PRIMARY KEY (channel, order_id)
            )
            """,
            """
            CREATE TABLE customer_contacts (
                kind TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
                value TEXT NOT NULL,
                customer TEXT NOT NULL,
                PRIMARY KEY (kind, value, customer)
            )
            """,
            "CREATE INDEX customer_contacts_customer ON customer_contacts (customer)",
            """
            CREATE TABLE customer_events (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                customer TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('first_purchase', 'large_purchase')),
                at_ms BIGINT NOT NULL,
                currency TEXT NOT NULL,
                total BIGINT NOT NULL,
                raised_at_ms BIGINT NOT NULL
            )
            """,
            "CREATE INDEX customer_events_raised ON customer_events (raised_at_ms)",
            "CREATE INDEX customer_events_customer ON customer_events (customer)",
            "CREATE TABLE products (sku TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, updated_at_ms BIGINT NOT NULL)",
            "CREATE INDEX products_category ON products (category)",
        ]),
        ("v12: price lists", [
            """
            CREATE TABLE price_entries (
                key TEXT PRIMARY KEY,
                body TEXT NOT NULL,
                version BIGINT NOT NULL,
                removed BOOLEAN NOT NULL DEFAULT false
            )
            """,
            "CREATE INDEX price_entries_version ON price_entries (version)",
            "CREATE TABLE price_versions (version BIGINT PRIMARY KEY, imported_at_ms BIGINT NOT NULL)",
        ]),
        ("v13: price overrides, price lists at terminals", [
            """
            CREATE TABLE price_overrides (
                terminal TEXT NOT NULL,
                seq BIGINT NOT NULL,
                line BIGINT NOT NULL,
                store TEXT NOT NULL,
                cashier TEXT,
                at_ms BIGINT NOT NULL,
                sku TEXT NOT NULL,
                quantity BIGINT NOT NULL,
                currency TEXT NOT NULL,
                quoted BIGINT NOT NULL,
                charged BIGINT NOT NULL,
                rule TEXT NOT NULL,
                price_list_version BIGINT NOT NULL,
                PRIMARY KEY (terminal, seq, line)
            )
            """,
            "CREATE INDEX price_overrides_at ON price_overrides (at_ms)",
            "CREATE INDEX price_overrides_store ON price_overrides (store, at_ms)",
            "ALTER TABLE terminals ADD COLUMN price_list_version BIGINT",
            "ALTER TABLE terminals ADD COLUMN price_list_since_ms BIGINT",
        ]),
        ("v14: price rows by store", [
            "ALTER TABLE price_entries ADD COLUMN stores TEXT",
            """
            UPDATE price_entries SET stores = CASE
                WHEN body::jsonb ? 'store' THEN ' ' || (body::jsonb ->> 'store') || ' '
                WHEN body::jsonb ? 'stores' THEN
                    ' ' || (SELECT string_agg(s, ' ' ORDER BY s COLLATE "C") FROM jsonb_array_elements_text(body::jsonb -> 'stores') AS s) || ' '
                END
            """,
        ]),
        ("v15: campaigns", [
            """
            CREATE TABLE campaigns (
                id TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                created_at_ms BIGINT NOT NULL,
                stopped_at_ms BIGINT,
                members_cursor BIGINT NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE campaign_members (
                campaign TEXT NOT NULL,
                customer TEXT NOT NULL,
                holdout BOOLEAN NOT NULL,
                joined_at_ms BIGINT NOT NULL,
                PRIMARY KEY (campaign, customer)
            )
            """,
            "ALTER TABLE orders ADD COLUMN offer TEXT",
            "CREATE INDEX orders_offer ON orders (offer) WHERE offer IS NOT NULL",
        ]),
        ("v16: offer double uses", [
            """
            CREATE TABLE offer_overuses (
                id BIGSERIAL PRIMARY KEY,
                campaign TEXT NOT NULL,
                customer TEXT NOT NULL,
                terminal TEXT NOT NULL,
                store TEXT NOT NULL,
                seq BIGINT NOT NULL,
                uses BIGINT NOT NULL,
                allowed BIGINT,
                detected_at_ms BIGINT NOT NULL,
                approved_at_ms BIGINT,
                note TEXT
            )
            """,
            "CREATE INDEX offer_overuses_campaign ON offer_overuses (campaign)",
        ]),
        ("v17: feedback", [
            """
            CREATE TABLE feedback (
                terminal TEXT NOT NULL,
                seq BIGINT NOT NULL,
                store TEXT NOT NULL,
                customer TEXT,
                at_ms BIGINT NOT NULL,
                score BIGINT NOT NULL,
                comment TEXT,
                receipt TEXT,
                PRIMARY KEY (terminal, seq)
            )
            """,
            "CREATE INDEX feedback_at ON feedback (at_ms)",
            "CREATE INDEX feedback_customer ON feedback (customer) WHERE customer IS NOT NULL",
        ]),
        ("v18: offers used by online orders", [
            "ALTER TABLE offer_overuses ALTER COLUMN terminal DROP NOT NULL",
            "ALTER TABLE offer_overuses ALTER COLUMN store DROP NOT NULL",
            "ALTER TABLE offer_overuses ALTER COLUMN seq DROP NOT NULL",
            "ALTER TABLE offer_overuses ADD COLUMN channel TEXT",
            "ALTER TABLE offer_overuses ADD COLUMN order_id TEXT",
            "ALTER TABLE offer_overuses ADD COLUMN outside_window BOOLEAN NOT NULL DEFAULT false",
            """
            ALTER TABLE offer_overuses ADD CONSTRAINT offer_overuses_sale CHECK (
                (terminal IS NOT NULL AND store IS NOT NULL AND seq IS NOT NULL) OR (channel IS NOT NULL AND order_id IS NOT NULL))
            """,
        ]),
        ("v19: predictive insight", [
            """
            CREATE TABLE insight_models (
                id BIGINT PRIMARY KEY CHECK (id = 1),
                body TEXT NOT NULL,
                fitted_at_ms BIGINT NOT NULL,
                watermark BIGINT NOT NULL
            )
            """,
            "ALTER TABLE customers ADD COLUMN p_alive DOUBLE PRECISION",
            "ALTER TABLE customers ADD COLUMN cluster BIGINT",
            "CREATE TABLE store_stock (store TEXT NOT NULL, sku TEXT NOT NULL, PRIMARY KEY (store, sku))",
        ]),
    ]

    /// The advisory lock key migrations hold ("omnisync" in ASCII, as a number).
    static let lockKey: Int64 = 0x6F6D_6E69_7379_6E63

    /// Applies the migrations not yet applied, in one transaction, holding
    /// the advisory lock: a replica starting at the same moment waits, then
    /// finds them applied.
    static func migrate(_ store: PostgresHubStore) async throws(HubError) {
        try await store.transaction { connection in
            let logger = store.logger
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger
            )
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM schema_migrations", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            for migration in migrations where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migrations (name) VALUES (\(migration.name))", logger: logger)
                logger.info("hub database migrated", metadata: ["migration": "\(migration.name)"])
            }
        }
    }
}
