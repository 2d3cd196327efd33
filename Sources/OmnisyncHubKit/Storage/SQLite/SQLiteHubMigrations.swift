import GRDB

/// The hub's SQLite schema, as named, append-only migrations.
///
/// A shipped migration is never edited; add a new one at the end.
enum SQLiteHubMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: terminals, entries, quarantine, customers") { db in
            try db.execute(sql: """
                CREATE TABLE terminals (
                    id TEXT PRIMARY KEY NOT NULL,
                    store TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at_ms INTEGER NOT NULL,
                    revoked_at_ms INTEGER,
                    acknowledged_seq INTEGER NOT NULL DEFAULT 0,
                    last_contact_ms INTEGER,
                    reported_backlog INTEGER NOT NULL DEFAULT 0,
                    clock_skew_ms INTEGER
                );

                -- Every entry a terminal pushed, stored once per (terminal, seq).
                CREATE TABLE entries (
                    terminal TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    id TEXT NOT NULL,
                    kind TEXT,
                    customer TEXT,
                    recorded_at_ms INTEGER,
                    received_at_ms INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('applied', 'quarantined')),
                    body BLOB NOT NULL,
                    PRIMARY KEY (terminal, seq)
                );
                CREATE INDEX entries_customer ON entries (customer) WHERE customer IS NOT NULL;

                -- Entries stored but not applied, with the reason, for operators.
                CREATE TABLE quarantine (
                    terminal TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    quarantined_at_ms INTEGER NOT NULL,
                    PRIMARY KEY (terminal, seq)
                );

                -- Merged profile state per customer. change_seq orders changes
                -- for pulls: SQLite has one writer at a time, so values are
                -- assigned in commit order and a cursor never skips a row.
                CREATE TABLE customers (
                    id TEXT PRIMARY KEY NOT NULL,
                    state BLOB NOT NULL,
                    activity BLOB NOT NULL,
                    change_seq INTEGER NOT NULL
                );
                CREATE INDEX customers_change_seq ON customers (change_seq);

                CREATE TABLE cards (
                    card TEXT PRIMARY KEY NOT NULL,
                    customer TEXT NOT NULL
                );
                CREATE INDEX cards_customer ON cards (customer);

                -- The customers each store's terminals receive on pull.
                CREATE TABLE store_customers (
                    store TEXT NOT NULL,
                    customer TEXT NOT NULL,
                    PRIMARY KEY (store, customer)
                );

                CREATE TABLE settings (
                    key TEXT PRIMARY KEY NOT NULL,
                    value BLOB NOT NULL
                );
                INSERT INTO settings (key, value) VALUES ('change_seq', 0);
                """)
        }
        migrator.registerMigration("v2: merge engine: conflicts, overdraft review, identity merges, clock clamping, policies") { db in
            try db.execute(sql: """
                -- Concurrent edits resolved by the merge rules: the value that lost.
                CREATE TABLE conflicts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    customer TEXT NOT NULL,
                    field TEXT NOT NULL,
                    lost_value TEXT,
                    lost_stamp TEXT NOT NULL,
                    won_value TEXT,
                    won_stamp TEXT NOT NULL,
                    terminal TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    detected_at_ms INTEGER NOT NULL
                );
                CREATE INDEX conflicts_customer ON conflicts (customer);

                -- Offline redemptions that left a balance below zero.
                CREATE TABLE overdrafts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    customer TEXT NOT NULL,
                    terminal TEXT NOT NULL,
                    store TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    redeemed INTEGER NOT NULL,
                    balance INTEGER NOT NULL,
                    allowance INTEGER NOT NULL,
                    detected_at_ms INTEGER NOT NULL,
                    approved_at_ms INTEGER,
                    note TEXT
                );
                CREATE INDEX overdrafts_pending ON overdrafts (approved_at_ms, id);

                -- Customers merged into another ("alias merged into target").
                CREATE TABLE customer_aliases (
                    alias TEXT PRIMARY KEY NOT NULL,
                    target TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    merged_at_ms INTEGER NOT NULL
                );
                CREATE INDEX customer_aliases_target ON customer_aliases (target);

                -- Far-future stamps of a terminal and the hub's replacements.
                CREATE TABLE clamped_stamps (
                    terminal TEXT NOT NULL,
                    original TEXT NOT NULL,
                    clamped TEXT NOT NULL,
                    PRIMARY KEY (terminal, original)
                );
                ALTER TABLE terminals ADD COLUMN last_clamped TEXT;

                CREATE TABLE store_policies (
                    store TEXT PRIMARY KEY NOT NULL,
                    policy BLOB NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3: journal hash chain") { db in
            // The hash of each entry as received (before any clamping or
            // redaction), which the terminal's next entry must link to.
            try db.execute(sql: "ALTER TABLE entries ADD COLUMN hash TEXT")
        }
        migrator.registerMigration("v4: card lookup audit") { db in
            // Every card lookup by a terminal, answered or refused: the card
            // only as its last four digits, the customer it found.
            try db.execute(sql: """
                CREATE TABLE card_lookups (
                    id INTEGER PRIMARY KEY,
                    terminal TEXT NOT NULL,
                    card_last4 TEXT NOT NULL,
                    customer TEXT,
                    outcome TEXT NOT NULL,
                    at_ms INTEGER NOT NULL
                );
                CREATE INDEX card_lookups_terminal_at ON card_lookups (terminal, at_ms);
                CREATE INDEX card_lookups_customer ON card_lookups (customer);
                """)
        }
        migrator.registerMigration("v5: facts as rows, compact merge state, activity as columns") { db in
            try db.execute(sql: """
                -- Merged profile state per customer, in ProfileState's compact
                -- binary form; `wire` caches its JSON for pulls (NULL after a
                -- change until the next pull writes it). The running
                -- aggregates the CRM reads are columns, updated as entries apply.
                CREATE TABLE customers_v5 (
                    id TEXT PRIMARY KEY NOT NULL,
                    state BLOB NOT NULL,
                    wire BLOB,
                    change_seq INTEGER NOT NULL,
                    orders INTEGER NOT NULL DEFAULT 0,
                    returns INTEGER NOT NULL DEFAULT 0,
                    visits INTEGER NOT NULL DEFAULT 0,
                    first_purchase_ms INTEGER,
                    last_purchase_ms INTEGER,
                    last_seen_ms INTEGER
                );

                -- Per-customer totals by currency (net spend in minor units),
                -- by store and by channel (orders; 0 for a store only visited).
                CREATE TABLE customer_totals (
                    customer TEXT NOT NULL,
                    dimension TEXT NOT NULL CHECK (dimension IN ('spend', 'store', 'channel')),
                    key TEXT NOT NULL,
                    value INTEGER NOT NULL,
                    PRIMARY KEY (customer, dimension, key)
                ) WITHOUT ROWID;

                -- Sales and returns as facts: one row per receipt, with its lines.
                -- `customer` is the customer after identity merges (NULL for an
                -- anonymous sale); `terminal`/`seq` the entry it came from.
                CREATE TABLE orders (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('sale', 'return')),
                    channel TEXT NOT NULL,
                    store TEXT,
                    terminal TEXT,
                    seq INTEGER,
                    customer TEXT,
                    at_ms INTEGER NOT NULL,
                    currency TEXT NOT NULL,
                    total INTEGER NOT NULL,
                    points_earned INTEGER NOT NULL DEFAULT 0,
                    points_redeemed INTEGER NOT NULL DEFAULT 0,
                    receipt TEXT
                );
                CREATE INDEX orders_customer ON orders (customer, at_ms) WHERE customer IS NOT NULL;
                CREATE INDEX orders_at ON orders (at_ms);

                CREATE TABLE order_lines (
                    order_id INTEGER NOT NULL,
                    line INTEGER NOT NULL,
                    sku TEXT NOT NULL,
                    quantity INTEGER NOT NULL,
                    amount INTEGER NOT NULL,
                    PRIMARY KEY (order_id, line)
                ) WITHOUT ROWID;
                """)
            try SQLiteHubBackfill.v5(db)
            try db.execute(sql: """
                DROP TABLE customers;
                ALTER TABLE customers_v5 RENAME TO customers;
                CREATE INDEX customers_change_seq ON customers (change_seq);
                """)
        }
        migrator.registerMigration("v6: customer totals as a column") { db in
            // A push rewrites each customer it touches: their totals ride in
            // that write instead of a row each (see CustomerTotalsColumn).
            try db.execute(sql: "ALTER TABLE customers ADD COLUMN totals TEXT")
            try SQLiteHubBackfill.v6(db)
            try db.execute(sql: "DROP TABLE customer_totals")
        }
        migrator.registerMigration("v7: other sales channels, customers by contact") { db in
            try db.execute(sql: """
                -- Channel integrations (the web shop): their tokens, hashed.
                CREATE TABLE channels (
                    name TEXT PRIMARY KEY NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at_ms INTEGER NOT NULL,
                    revoked_at_ms INTEGER
                );

                -- A channel's own order number: what makes an order's resend a no-op.
                ALTER TABLE orders ADD COLUMN order_id TEXT;
                CREATE UNIQUE INDEX orders_channel_order ON orders (channel, order_id) WHERE order_id IS NOT NULL;

                -- Orders whose customer identifiers are unusable, kept for an operator.
                CREATE TABLE order_quarantine (
                    channel TEXT NOT NULL,
                    order_id TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    body BLOB NOT NULL,
                    quarantined_at_ms INTEGER NOT NULL,
                    PRIMARY KEY (channel, order_id)
                );

                -- Each customer's email and phone, normalised: how an order
                -- from another channel finds them, and how duplicates show.
                CREATE TABLE customer_contacts (
                    kind TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
                    value TEXT NOT NULL,
                    customer TEXT NOT NULL,
                    PRIMARY KEY (kind, value, customer)
                ) WITHOUT ROWID;
                CREATE INDEX customer_contacts_customer ON customer_contacts (customer);
                """)
            try ContactRows.reindexAll(db)
        }
        migrator.registerMigration("v8: customer scores") { db in
            // What the last recompute found (docs/crm.md): RFM quintiles, the
            // named segment, tier and lifecycle stage, the churn-risk flag.
            // Tier, segment and stage are also written into the profile, for the tills.
            try db.execute(sql: """
                ALTER TABLE customers ADD COLUMN rfm_recency INTEGER;
                ALTER TABLE customers ADD COLUMN rfm_frequency INTEGER;
                ALTER TABLE customers ADD COLUMN rfm_monetary INTEGER;
                ALTER TABLE customers ADD COLUMN segment TEXT;
                ALTER TABLE customers ADD COLUMN tier TEXT;
                ALTER TABLE customers ADD COLUMN lifecycle TEXT;
                ALTER TABLE customers ADD COLUMN churn_risk INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v9: purchase events") { db in
            // First and large purchases, raised as they are applied (PurchaseEvents).
            try db.execute(sql: """
                CREATE TABLE customer_events (
                    id INTEGER PRIMARY KEY,
                    customer TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('first_purchase', 'large_purchase')),
                    at_ms INTEGER NOT NULL,
                    currency TEXT NOT NULL,
                    total INTEGER NOT NULL,
                    raised_at_ms INTEGER NOT NULL
                );
                CREATE INDEX customer_events_raised ON customer_events (raised_at_ms);
                CREATE INDEX customer_events_customer ON customer_events (customer);
                """)
        }
        migrator.registerMigration("v10: product catalogue, interests") { db in
            // What each SKU is (ProductFile); customers' interests as the last
            // recompute found them (InterestTags), NULL until worked out.
            try db.execute(sql: """
                CREATE TABLE products (
                    sku TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    category TEXT NOT NULL,
                    updated_at_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX products_category ON products (category);

                ALTER TABLE customers ADD COLUMN interests TEXT;
                """)
        }
        migrator.registerMigration("v11: tier window sums") { db in
            // Net spend per currency and sales in the tier window, moved
            // forward by each recompute (SQLiteHubStore+TierWindow); stale
            // after an identity merge until summed again.
            try db.execute(sql: """
                ALTER TABLE customers ADD COLUMN window_spend TEXT NOT NULL DEFAULT '';
                ALTER TABLE customers ADD COLUMN window_orders INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE customers ADD COLUMN window_stale INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v12: price lists") { db in
            // Each row of the price list by key (PriceListEntry), with the
            // version that last changed it; a removed row stays, marked, so a
            // till that has an older version learns it is gone.
            try db.execute(sql: """
                CREATE TABLE price_entries (
                    key TEXT PRIMARY KEY NOT NULL,
                    body TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    removed INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                CREATE INDEX price_entries_version ON price_entries (version);
                CREATE TABLE price_versions (
                    version INTEGER PRIMARY KEY NOT NULL,
                    imported_at_ms INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v13: price overrides, price lists at terminals") { db in
            // Sale lines charged at another price than the till's list gave,
            // one row per line, written with the sale's order facts.
            try db.execute(sql: """
                CREATE TABLE price_overrides (
                    terminal TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    line INTEGER NOT NULL,
                    store TEXT NOT NULL,
                    cashier TEXT,
                    at_ms INTEGER NOT NULL,
                    sku TEXT NOT NULL,
                    quantity INTEGER NOT NULL,
                    currency TEXT NOT NULL,
                    quoted INTEGER NOT NULL,
                    charged INTEGER NOT NULL,
                    rule TEXT NOT NULL,
                    price_list_version INTEGER NOT NULL,
                    PRIMARY KEY (terminal, seq, line)
                ) WITHOUT ROWID;
                CREATE INDEX price_overrides_at ON price_overrides (at_ms);
                CREATE INDEX price_overrides_store ON price_overrides (store, at_ms);
                -- The price-list version each terminal last said it runs (NULL:
                -- it never asked), and since when the hub has seen it run it.
                ALTER TABLE terminals ADD COLUMN price_list_version INTEGER;
                ALTER TABLE terminals ADD COLUMN price_list_since_ms INTEGER;
                """)
        }
        migrator.registerMigration("v14: price rows by store") { db in
            // The stores a price row concerns (PriceListEntry.storesColumn),
            // so a till's whole list is chosen in SQL and sent without
            // decoding a row: a store's own price and its region row name the
            // store, a promotion limited to stores lists them; NULL for all.
            try db.execute(sql: """
                ALTER TABLE price_entries ADD COLUMN stores TEXT;
                UPDATE price_entries SET stores = CASE
                    WHEN json_extract(body, '$.store') IS NOT NULL THEN ' ' || json_extract(body, '$.store') || ' '
                    WHEN json_extract(body, '$.stores') IS NOT NULL THEN
                        ' ' || (SELECT group_concat(value, ' ') FROM (SELECT value FROM json_each(price_entries.body, '$.stores') ORDER BY value)) || ' '
                    END;
                """)
        }
        migrator.registerMigration("v15: campaigns") { db in
            // A campaign's definition as head office wrote it (CampaignDefinition's
            // JSON), and how far its membership passes have read customers'
            // change sequence; each member once, treated or held out; the
            // campaign a sale used, on its order.
            try db.execute(sql: """
                CREATE TABLE campaigns (
                    id TEXT PRIMARY KEY NOT NULL,
                    definition TEXT NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    stopped_at_ms INTEGER,
                    members_cursor INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                CREATE TABLE campaign_members (
                    campaign TEXT NOT NULL,
                    customer TEXT NOT NULL,
                    holdout INTEGER NOT NULL,
                    joined_at_ms INTEGER NOT NULL,
                    PRIMARY KEY (campaign, customer)
                ) WITHOUT ROWID;
                ALTER TABLE orders ADD COLUMN offer TEXT;
                CREATE INDEX orders_offer ON orders (offer) WHERE offer IS NOT NULL;
                """)
        }
        migrator.registerMigration("v16: offer double uses") { db in
            try db.execute(sql: """
                CREATE TABLE offer_overuses (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    campaign TEXT NOT NULL,
                    customer TEXT NOT NULL,
                    terminal TEXT NOT NULL,
                    store TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    uses INTEGER NOT NULL,
                    allowed INTEGER,
                    detected_at_ms INTEGER NOT NULL,
                    approved_at_ms INTEGER,
                    note TEXT
                );
                CREATE INDEX offer_overuses_campaign ON offer_overuses (campaign);
                """)
        }
        migrator.registerMigration("v17: feedback") { db in
            // Satisfaction captured at tills and kiosks, one row per applied
            // feedback entry; the comment (personal data) goes with an erasure.
            try db.execute(sql: """
                CREATE TABLE feedback (
                    terminal TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    store TEXT NOT NULL,
                    customer TEXT,
                    at_ms INTEGER NOT NULL,
                    score INTEGER NOT NULL,
                    comment TEXT,
                    receipt TEXT,
                    PRIMARY KEY (terminal, seq)
                ) WITHOUT ROWID;
                CREATE INDEX feedback_at ON feedback (at_ms);
                CREATE INDEX feedback_customer ON feedback (customer) WHERE customer IS NOT NULL;
                """)
        }
        migrator.registerMigration("v18: offers used by online orders") { db in
            // A web order's double use names its channel and order id, not a
            // till's sale: the till's columns become optional (SQLite cannot
            // drop NOT NULL in place, so the table is copied), and the order
            // a channel sent with an offer is counted like a till's sale.
            try db.execute(sql: """
                CREATE TABLE offer_overuses_v18 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    campaign TEXT NOT NULL,
                    customer TEXT NOT NULL,
                    terminal TEXT,
                    store TEXT,
                    seq INTEGER,
                    channel TEXT,
                    order_id TEXT,
                    outside_window INTEGER NOT NULL DEFAULT 0,
                    uses INTEGER NOT NULL,
                    allowed INTEGER,
                    detected_at_ms INTEGER NOT NULL,
                    approved_at_ms INTEGER,
                    note TEXT,
                    CHECK ((terminal IS NOT NULL AND store IS NOT NULL AND seq IS NOT NULL) OR (channel IS NOT NULL AND order_id IS NOT NULL))
                );
                INSERT INTO offer_overuses_v18 (id, campaign, customer, terminal, store, seq, uses, allowed, detected_at_ms, approved_at_ms, note)
                    SELECT id, campaign, customer, terminal, store, seq, uses, allowed, detected_at_ms, approved_at_ms, note FROM offer_overuses;
                DROP TABLE offer_overuses;
                ALTER TABLE offer_overuses_v18 RENAME TO offer_overuses;
                CREATE INDEX offer_overuses_campaign ON offer_overuses (campaign);
                """)
        }
        migrator.registerMigration("v19: predictive insight") { db in
            // The last refit's models (InsightModels as JSON) and how far the
            // incremental pass has read the orders; each customer's
            // probability alive (the lifecycle's churn flag reads it) and
            // cluster; the SKUs each store carries (recommendations keep to them).
            try db.execute(sql: """
                CREATE TABLE insight_models (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    body TEXT NOT NULL,
                    fitted_at_ms INTEGER NOT NULL,
                    watermark INTEGER NOT NULL
                );
                ALTER TABLE customers ADD COLUMN p_alive REAL;
                ALTER TABLE customers ADD COLUMN cluster INTEGER;
                CREATE TABLE store_stock (
                    store TEXT NOT NULL,
                    sku TEXT NOT NULL,
                    PRIMARY KEY (store, sku)
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }
}
