import Foundation
import OmnisyncHubKit
import Testing

/// A catalogue file is read whole or refused with the line that is wrong.
@Suite struct ProductFileTests {
    func read(_ text: String, _ format: ProductFile.Format = .csv) throws -> [Product] {
        try ProductFile.read(Data(text.utf8), format: format)
    }

    func refusal(_ text: String, _ format: ProductFile.Format = .csv) -> ImportFileError? {
        do {
            _ = try ProductFile.read(Data(text.utf8), format: format)
            return nil
        } catch {
            return error
        }
    }

    @Test func csvColumnsComeInAnyOrderAndQuotedFieldsHoldCommasAndQuotes() throws {
        let products = try read("category,sku,name\r\nFootwear, SHOE-1 ,\"Trail shoe, \"\"Blue\"\"\"\n\nOuterwear,COAT-1,\n")
        #expect(products == [
            try Product(sku: "SHOE-1", name: "Trail shoe, \"Blue\"", category: "Footwear"),
            try Product(sku: "COAT-1", name: "", category: "Outerwear"),
        ])
        // The name column is optional.
        #expect(try read("sku,category\nSOCK,Footwear").map(\.category) == ["Footwear"])
    }

    @Test func aBadLineRejectsTheFileNamingTheLine() {
        #expect(refusal("sku,category\nA,Shoes\nB,\n")?.line == 3)
        #expect(refusal("sku,category\nA,Shoes\nA,Socks\n")?.message.contains("already listed on line 2") == true)
        #expect(refusal("sku,category\nA,Shoes,extra\n")?.line == 2)
        #expect(refusal("sku,category\n\"A,Shoes\n")?.message.contains("not closed") == true)
        #expect(refusal("sku,category\nA\"B,Shoes\n")?.line == 2)
        #expect(refusal("sku,category,price\nA,Shoes,3\n")?.message.contains("unknown column \"price\"") == true)
        #expect(refusal("sku,name\nA,Shoe\n")?.line == 1)
        #expect(refusal("sku,category\nA B,Shoes\n")?.message.contains("without spaces") == true)
        #expect(refusal("sku,category\nA,---\n")?.message.contains("letter or digit") == true)
        #expect(refusal("")?.line == nil)
    }

    @Test func jsonLinesAreStrict() throws {
        let products = try read(#"{"sku":"SHOE-1","category":"Footwear","name":"Trail shoe"}"# + "\n" + #"{"sku":"SOCK","category":"Footwear"}"#, .jsonl)
        #expect(products.map(\.sku) == ["SHOE-1", "SOCK"])
        #expect(refusal(#"{"sku":"A","category":"Shoes","price":3}"#, .jsonl)?.line == 1)
        #expect(refusal(#"{"sku":"A","category":"Shoes"}"# + "\nnot json", .jsonl)?.line == 2)
    }

    @Test func theFormatComesFromTheFileName() throws {
        #expect(try ProductFile.Format(path: "/tmp/catalogue.CSV") == .csv)
        #expect(try ProductFile.Format(path: "catalogue.ndjson") == .jsonl)
        #expect(throws: ImportFileError.self) { try ProductFile.Format(path: "catalogue.xlsx") }
    }
}
