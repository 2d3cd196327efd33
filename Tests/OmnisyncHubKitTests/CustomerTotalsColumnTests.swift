import Foundation
import GRDB
import OmnisyncCore
import OmnisyncTestSupport
import Testing
@testable import OmnisyncHubKit

/// The `customers.totals` column: what is written reads back the same, and
/// any valid JSON of that shape reads (a migration or SQL may write it with
/// another key order or escapes), while damaged text is refused by name.
@Suite struct CustomerTotalsColumnTests {
    @Test func randomTotalsRoundTrip() throws {
        var generator = TestSeed.generator("customer totals")
        let channels = ["store", "web", "app", "call \"centre\"", "kiosk\\2", "tab\there", "café"]
        for _ in 0..<500 {
            var activity = CustomerActivity()
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                activity.channelOrders[channels.randomElement(using: &generator)!] = Int.random(in: 0...1_000_000, using: &generator)
            }
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                let code = ["EUR", "CHF", "GBP", "USD"].randomElement(using: &generator)!
                activity.spend[Currency(rawValue: code)!] = Int64.random(in: Int64.min...Int64.max, using: &generator)
            }
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                activity.storeOrders[StoreID(rawValue: "S-\(Int.random(in: 1...50, using: &generator))")!] = Int.random(in: 0...500, using: &generator)
            }
            var read = CustomerActivity()
            read.spend = [Currency(rawValue: "XXX")!: 1]
            try CustomerTotalsColumn.decode(CustomerTotalsColumn.encode(activity), into: &read)
            #expect(read == activity)
        }
    }

    @Test func noTotalsIsNull() {
        #expect(CustomerTotalsColumn.encode(CustomerActivity()) == nil)
    }

    @Test func writesSortedCompactJSONThatSQLiteReads() throws {
        var activity = CustomerActivity()
        activity.spend = [Currency(rawValue: "EUR")!: 1250, Currency(rawValue: "CHF")!: -5]
        activity.storeOrders = [StoreID(rawValue: "S-2")!: 1, StoreID(rawValue: "S-1")!: 3]
        activity.channelOrders = ["store": 4]
        let text = try #require(CustomerTotalsColumn.encode(activity))
        #expect(text == #"{"channel":{"store":4},"spend":{"CHF":-5,"EUR":1250},"store":{"S-1":3,"S-2":1}}"#)
        let spend = try DatabaseQueue().read { db in
            try Int64.fetchOne(db, sql: "SELECT json_extract(?, '$.spend.EUR')", arguments: [text])
        }
        #expect(spend == 1250)
    }

    @Test func readsOtherValidJSONOfTheSameShape() throws {
        var activity = CustomerActivity()
        try CustomerTotalsColumn.decode(#"{ "store": {"S-1": 2}, "spend": {"EUR": 10}, "channel": {"w\u0065b": 2} }"#, into: &activity)
        #expect(activity.storeOrders == [StoreID(rawValue: "S-1")!: 2])
        #expect(activity.spend == [Currency(rawValue: "EUR")!: 10])
        #expect(activity.channelOrders == ["web": 2])
    }

    @Test func refusesDamagedTotalsWithAnActionableError() {
        for damaged in [#"{"spend":{"EUR":1.5}}"#, #"{"spend":"#, #"{"spend":{"euro!":1}}"#, #"{"colour":{"red":1}}"#] {
            var activity = CustomerActivity()
            #expect {
                try CustomerTotalsColumn.decode(damaged, into: &activity)
            } throws: { error in
                "\(error)".contains("restore the hub database from a backup")
            }
        }
    }
}
