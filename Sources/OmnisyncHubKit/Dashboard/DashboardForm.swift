import Foundation
import Hummingbird
import NIOCore

/// The dashboard's form posts (`application/x-www-form-urlencoded`), read
/// with Hummingbird's form decoder, and the form token every signed-in form
/// carries.
enum DashboardForm {
    struct Login: Decodable { var token: String }
    struct Action: Decodable { var form: String }
    struct Retry: Decodable {
        var form: String
        var terminal: String?
        var seq: Int64?
        var accept: String?
    }
    struct Approve: Decodable {
        var form: String
        var note: String?

        /// The note as kept with the decision: trimmed, nil when blank.
        var keptNote: String? {
            note.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// A form is a few hundred bytes; a note is capped at 500 characters.
    static let maxBodySize = 16 << 10

    /// The form of `request`; a 400 naming the problem if it is not one.
    static func read<Form: Decodable>(_ request: Request, as type: Form.Type) async throws(HubError) -> Form {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodySize)
        } catch {
            throw HubError(.malformedRequest, "the form is larger than \(maxBodySize) bytes")
        }
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: String(buffer: buffer))
        } catch {
            throw HubError(.malformedRequest, "the form is incomplete or malformed: \(error)")
        }
    }

    /// The form of a signed-in page, refused with 403 unless it carries the
    /// form token of the session that sent it.
    static func read<Form: Decodable & FormWithToken>(_ request: Request, as type: Form.Type, checking adminToken: String) async throws(HubError) -> Form {
        let form = try await read(request, as: type)
        guard let session = request.cookies[DashboardSession.cookieName]?.value,
            TerminalToken.constantTimeEquals(form.form, DashboardSession.formToken(for: session, adminToken: adminToken))
        else {
            throw HubError(.forbidden, "this form was not sent from a page of your dashboard session; reload the page and try again")
        }
        return form
    }
}

/// A form that carries the session's form token in its `form` field.
protocol FormWithToken { var form: String { get } }
extension DashboardForm.Action: FormWithToken {}
extension DashboardForm.Retry: FormWithToken {}
extension DashboardForm.Approve: FormWithToken {}
