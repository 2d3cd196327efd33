import Foundation
import GRDB
import OmnisyncCore

/// The agent's schema, as named, append-only migrations.
///
/// A shipped migration is never edited: terminals in the field have run it.
/// Add a new one at the end instead.
enum AgentMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1: journal, local profiles, sync state") { db in
            // One row per entry, never deleted while unacknowledged. `body` is
            // the entry's canonical JSON, sent to the hub as is.
            try db.execute(sql: """
                CREATE TABLE journal (
                    terminal TEXT NOT NULL,
                    seq INTEGER NOT NULL CHECK (seq >= 1),
                    id TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    customer TEXT,
                    receipt TEXT,
                    original_receipt TEXT,
                    recorded_at_ms INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    PRIMARY KEY (terminal, seq)
                );
                CREATE INDEX journal_receipt ON journal (receipt) WHERE receipt IS NOT NULL;
                CREATE INDEX journal_original_receipt ON journal (original_receipt) WHERE original_receipt IS NOT NULL;

                CREATE TABLE profiles (
                    id TEXT PRIMARY KEY NOT NULL,
                    state BLOB NOT NULL
                );

                CREATE TABLE cards (
                    card TEXT PRIMARY KEY NOT NULL,
                    customer TEXT NOT NULL
                );
                CREATE INDEX cards_customer ON cards (customer);

                CREATE TABLE agent_state (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    hub TEXT NOT NULL,
                    terminal TEXT NOT NULL,
                    store TEXT NOT NULL,
                    pinned_ca INTEGER NOT NULL,
                    acknowledged_seq INTEGER NOT NULL DEFAULT 0,
                    pull_cursor TEXT,
                    policy BLOB,
                    clock TEXT,
                    last_sync_at_ms INTEGER,
                    last_attempt_at_ms INTEGER,
                    last_error TEXT,
                    unreachable_since_ms INTEGER
                );
                """)
        }
        migrator.registerMigration("v2: identity merges, erasure, hub clock offset") { db in
            try db.execute(sql: """
                -- Customers the hub merged into another: entries naming the
                -- alias apply to the target.
                CREATE TABLE customer_aliases (
                    alias TEXT PRIMARY KEY NOT NULL,
                    target TEXT NOT NULL
                );

                -- Customers erased on request; acknowledged entries about them
                -- lose their personal data.
                CREATE TABLE erased_customers (
                    id TEXT PRIMARY KEY NOT NULL
                );
                ALTER TABLE journal ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0;

                -- Hub clock minus local clock at the last sync, in milliseconds.
                ALTER TABLE agent_state ADD COLUMN hub_clock_offset_ms INTEGER;
                """)
        }
        migrator.registerMigration("v3: journal hash chain") { db in
            // The hash of each entry's bytes as recorded; the next entry's
            // previousHash links to it. Redaction rewrites a body, never this.
            try db.execute(sql: "ALTER TABLE journal ADD COLUMN hash TEXT")
            for row in try Row.fetchAll(db, sql: "SELECT terminal, seq, body FROM journal") {
                try db.execute(
                    sql: "UPDATE journal SET hash = ? WHERE terminal = ? AND seq = ?",
                    arguments: [ChainHash.of(row["body"] as Data), row["terminal"] as String, row["seq"] as Int64]
                )
            }
        }
        migrator.registerMigration("v4: local profiles in compact form") { db in
            // Decoded and re-encoded for every sale to a known customer and
            // every card lookup: JSON through Foundation was most of that
            // work; the compact form is the same state (ProfileState.compactBytes).
            let rows = try Row.fetchAll(db, sql: "SELECT id, state FROM profiles")
            for row in rows {
                let state = try WireCoding.decode(ProfileState.self, from: row["state"])
                try db.execute(sql: "UPDATE profiles SET state = ? WHERE id = ?", arguments: [Data(state.compactBytes), row["id"] as String])
            }
        }
                migrator.registerMigration("v5: price list") { db in
            // The hub's price list as this terminal's store uses it
            // (PriceListEntry rows by key), replaced or patched in one
            // transaction per delta, and the version it is at.
            try db.execute(sql: """
                CREATE TABLE price_entries (
                    key TEXT PRIMARY KEY NOT NULL,
                    body TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE price_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    version INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL
                );
                """)
        }
        return migrator
    }
}
