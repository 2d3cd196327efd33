import Foundation
import OmnisyncTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's local API for POS software, over real HTTP on loopback TCP and
/// on its Unix socket, against a real `omnisync-agent run` process.
@Suite(.serialized, .timeLimit(.minutes(5))) struct LocalAPITests {
    /// A running daemon and where its local API listens.
    struct Daemon {
        let process: BackgroundProcess
        let tcp: LoopbackHTTP.Address
        let socket: LoopbackHTTP.Address
        let socketPath: String

        static func start(_ cli: CommandLine, agent: AgentCLI, scratch: TemporaryDirectory, extra: [String] = []) async throws -> Daemon {
            let process = try BackgroundProcess(
                cli.agentExecutable, ["run", "--interval", "1", "--listen", "127.0.0.1:0", "--data-dir", agent.dataDirectory] + extra,
                logPath: scratch.appending("daemon-\(UUID().uuidString.prefix(6)).log")
            )
            // Both listeners announce themselves, in either order.
            let first = try await process.waitForLine(containing: "local API listening on ")
            let second = try await process.waitForLine(containing: "local API listening on ")
            let (tcpLine, socketLine) = first.contains("unix:") ? (second, first) : (first, second)
            let port = try #require(tcpLine.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
            let path = String(try #require(socketLine.split(separator: "unix:", maxSplits: 1).last)).trimmingCharacters(in: .whitespaces)
            return Daemon(process: process, tcp: .tcp(port: port), socket: .unix(path: path), socketPath: path)
        }
    }

    static func sale(card: String, cents: Int = 1299, redeemed: Int = 0) -> String {
        let redemption = redeemed > 0 ? #","pointsRedeemed":\#(redeemed)"# : ""
        return #"{"card":"\#(card)","lines":[{"sku":"SKU-1","quantity":1,"unitPrice":{"amount":\#(cents),"currency":"EUR"}}],"total":{"amount":\#(cents),"currency":"EUR"}\#(redemption)}"#
    }

    @Test func concurrentCallersGetGaplessDurableEntriesThatReachTheHubExactlyOnce() async throws {
        let scratch = try TemporaryDirectory("e2e-local-api")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let daemon = try await Daemon.start(cli, agent: agent, scratch: scratch)

        // 16 tills at once, half on TCP and half on the socket, 25 sales each.
        let callers = 16
        let perCaller = 25
        let seqs: [Int]
        do {
            seqs = try await LoopbackHTTP.concurrently(callers) { caller in
                try (0..<perCaller).map { index in
                    let response = try LoopbackHTTP.send(
                        "POST", "/v1/record/sale", json: Self.sale(card: String(format: "C%02d%05d", caller, index)),
                        to: caller.isMultiple(of: 2) ? daemon.tcp : daemon.socket
                    )
                    guard response.status == 201, let seq = try response.json()["seq"] as? Int else {
                        throw TestSupportError("record answered \(response.status): \(response.text)")
                    }
                    return seq
                }
            }.flatMap { $0 }
        } catch {
            // What the daemon said, to tell a crash from a refused connection.
            throw TestSupportError("\(error); the daemon's output:\n\(daemon.process.transcript.suffix(3000))")
        }
        let total = callers * perCaller
        #expect(seqs.sorted() == Array(1...total), "every acknowledged entry has its own seq, with no gap")

        // A power cut right after the last answer: every acknowledged entry is on disk.
        await daemon.process.stop(signal: SIGKILL)
        let verify = try cli.json(try await agent.run("verify", "--json"))
        #expect(verify["entries"] as? Int == total)
        #expect((verify["problems"] as? [Any])?.isEmpty == true)

        // And the hub gets each exactly once, whatever the daemon pushed before dying.
        #expect(try await agent.run("sync").status == 0)
        let hubStatus = try cli.json(try await cli.hub("status", "--json", "--data-dir", hub.dataDirectory))
        let terminal = try #require((hubStatus["terminals"] as? [[String: Any]])?.first)
        #expect(terminal["acknowledgedSeq"] as? Int == total)
        #expect(try await agent.status()["pending"] as? Int == 0)
        await hub.stop()
    }

    @Test func badInputIsAnsweredWithAFourHundredNamingTheProblemAndRecordsNothing() async throws {
        let scratch = try TemporaryDirectory("e2e-local-api-bad")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let daemon = try await Daemon.start(cli, agent: agent, scratch: scratch)
        let api = daemon.socket

        let missingTotal = try LoopbackHTTP.send("POST", "/v1/record/sale", json: #"{"lines":[]}"#, to: api)
        #expect(missingTotal.status == 400)
        #expect(missingTotal.errorCode == "invalidInput")
        #expect(missingTotal.text.contains("total"), "the message names the field: \(missingTotal.text)")

        let notJSON = try LoopbackHTTP.send("POST", "/v1/record/scan", json: "card=1234", to: api)
        #expect(notJSON.status == 400)
        #expect(notJSON.errorCode == "invalidInput")

        let wrongType = try LoopbackHTTP.send("POST", "/v1/record/scan", json: #"{"card":12345678}"#, to: api)
        #expect(wrongType.status == 400)
        #expect(wrongType.text.contains("card"))

        let unknownKind = try LoopbackHTTP.send("POST", "/v1/record/refund", json: "{}", to: api)
        #expect(unknownKind.status == 404)
        #expect(unknownKind.text.contains("sale, return, scan, profile"))

        let oversized = try LoopbackHTTP.send("POST", "/v1/record/sale", body: Data(repeating: UInt8(ascii: " "), count: 2 << 20), to: api)
        #expect(oversized.status == 413)
        #expect(oversized.errorCode == "payloadTooLarge")

        let unknownRoute = try LoopbackHTTP.send("GET", "/v1/nothing-here", to: api)
        #expect(unknownRoute.status == 404)
        #expect(unknownRoute.errorCode == "notFound")

        let overdraw = try LoopbackHTTP.send("POST", "/v1/record/sale", json: Self.sale(card: "12345678", redeemed: 500), to: api)
        #expect(overdraw.status == 422)
        #expect(overdraw.errorCode == "insufficientPoints")

        let unknownCustomer = try LoopbackHTTP.send("GET", "/v1/customers/nobody-here", to: api)
        #expect(unknownCustomer.status == 404)
        #expect(unknownCustomer.errorCode == "notFound")

        let badCustomerID = try LoopbackHTTP.send("GET", "/v1/customers/-bad-", to: api)
        #expect(badCustomerID.status == 400)

        let unknownCard = try LoopbackHTTP.send("POST", "/v1/customers/lookup?offline=true", json: #"{"card":"99999999"}"#, to: api)
        #expect(unknownCard.status == 404)
        #expect(unknownCard.text.contains("****9999"))
        #expect(!unknownCard.text.contains("99999999"), "card numbers are masked in errors")

        let badLookup = try LoopbackHTTP.send("POST", "/v1/customers/lookup", json: #"{"kard":"12345678"}"#, to: api)
        #expect(badLookup.status == 400)
        #expect(badLookup.errorCode == "invalidInput")

        // None of it was recorded, and the daemon still serves.
        let status = try LoopbackHTTP.send("GET", "/v1/status", to: api)
        #expect(status.status == 200)
        #expect(try status.json()["lastSeq"] as? Int == 0)
        #expect(await daemon.process.stop() == 0)
        await hub.stop()
    }

    @Test func customersAndStatusAnswerAsTheCLIPrintsThemOverASocketOnlyTheOwnerAndGroupCanOpen() async throws {
        let scratch = try TemporaryDirectory("e2e-local-api-read")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let daemon = try await Daemon.start(cli, agent: agent, scratch: scratch)
        #expect(daemon.socketPath == agent.dataDirectory + "/agent.sock", "the socket is in the data dir by default")
        // Through FileManager, not stat(): which C module "owns" `struct stat` differs between compile batches,
        // and with member import visibility a clean build could refuse st_mode.
        let permissions = try FileManager.default.attributesOfItem(atPath: daemon.socketPath)[.posixPermissions] as? Int
        #expect(permissions.map { $0 & 0o777 } == 0o660)

        let enrolled = try LoopbackHTTP.send("POST", "/v1/record/scan", json: #"{"card":"1234 5678"}"#, to: daemon.socket)
        #expect(enrolled.status == 201)
        let customer = try #require(try enrolled.json()["customer"] as? String)
        #expect(try enrolled.json()["enrolled"] as? Bool == true)

        let byID = try LoopbackHTTP.send("GET", "/v1/customers/\(customer)", to: daemon.tcp)
        #expect(byID.status == 200)
        let shown = try cli.json(try await agent.run("customers", "show", customer, "--json"))
        #expect(try byID.json().canonical() == shown.canonical(), "the API answers what `customers show --json` prints")
        #expect(byID.text.contains("****5678"))
        #expect(!byID.text.contains("12345678"), "masked unless revealed")

        let byCard = try LoopbackHTTP.send("POST", "/v1/customers/lookup?reveal=true", json: #"{"card":"12345678"}"#, to: daemon.socket)
        #expect(byCard.status == 200)
        #expect(try byCard.json()["id"] as? String == customer)
        #expect(byCard.text.contains("12345678"), "revealed on request")

        let status = try LoopbackHTTP.send("GET", "/v1/status", to: daemon.socket)
        let printed = try await agent.status()
        #expect(try status.json()["terminal"] as? String == "T-1")
        #expect(try status.json()["lastSeq"] as? Int == printed["lastSeq"] as? Int)
        #expect(try LoopbackHTTP.send("GET", "/healthz", to: daemon.tcp).status == 200)

        #expect(await daemon.process.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath), "a graceful stop removes the socket")
        await hub.stop()
    }

    @Test func tillsAskForPricesOfflineAndSalesChargedOffTheListComeBackWithTheirOverrides() async throws {
        let scratch = try TemporaryDirectory("e2e-local-api-prices")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let file = scratch.appending("prices.csv")
        try """
            type,sku,currency,price,promotion,percent,starts,ends
            base,SHOE-42,EUR,89.99,,,,
            promotion,SHOE-42,,,WINTER,20,2027-01-10T09:00:00Z,2027-01-20T09:00:00Z

            """.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await cli.hub("prices", "import", file, "--data-dir", hub.dataDirectory).status == 0)
        #expect(try await agent.run("sync").status == 0)
        await hub.stop()
        let daemon = try await Daemon.start(cli, agent: agent, scratch: scratch)

        let quote = try LoopbackHTTP.send("POST", "/v1/prices/quote", json: #"{"sku":"SHOE-42","at":"2027-01-10T09:00:00Z"}"#, to: daemon.socket)
        #expect(quote.status == 200, "\(quote.text)")
        let shown = try cli.json(try await agent.run("prices", "show", "SHOE-42", "--at", "2027-01-10T09:00:00Z", "--json"))
        #expect(try quote.json().canonical() == shown.canonical(), "the API answers what `prices show --json` prints")
        #expect((try quote.json()["price"] as? [String: Any])?["amount"] as? Int == 7199)

        let unknown = try LoopbackHTTP.send("POST", "/v1/prices/quote", json: #"{"sku":"NOPE"}"#, to: daemon.tcp)
        #expect(unknown.status == 404 && unknown.errorCode == "notFound" && unknown.text.contains("no price for NOPE"))
        let badTime = try LoopbackHTTP.send("POST", "/v1/prices/quote", json: #"{"sku":"SHOE-42","at":"tomorrow"}"#, to: daemon.tcp)
        #expect(badTime.status == 400 && badTime.errorCode == "invalidInput" && badTime.text.contains("at"))
        let extra = try LoopbackHTTP.send("POST", "/v1/prices/quote", json: #"{"sku":"SHOE-42","store":"S-2"}"#, to: daemon.tcp)
        #expect(extra.status == 400 && extra.text.contains("store"))

        // Now is outside the promotion: 89.99 is the list price, 80.00 an override.
        let sale = try LoopbackHTTP.send(
            "POST", "/v1/record/sale",
            json: #"{"cashier":"C-7","lines":[{"sku":"SHOE-42","quantity":1,"unitPrice":{"amount":8000,"currency":"EUR"}}],"total":{"amount":8000,"currency":"EUR"}}"#,
            to: daemon.socket
        )
        #expect(sale.status == 201)
        let overrides = try #require(try sale.json()["priceOverrides"] as? [[String: Any]])
        #expect(overrides.count == 1 && overrides.first?["line"] as? Int == 1 && overrides.first?["rule"] as? String == "base price")
        #expect((overrides.first?["quoted"] as? [String: Any])?["amount"] as? Int == 8999)
        #expect(await daemon.process.stop() == 0)
    }

    @Test func theLocalAPIListensOnlyOnLoopback() async throws {
        let scratch = try TemporaryDirectory("e2e-local-api-listen")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let refused = try await cli.agent(["run", "--listen", "0.0.0.0:7480", "--data-dir", scratch.appending("agent")])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("only on loopback"))
    }
}
