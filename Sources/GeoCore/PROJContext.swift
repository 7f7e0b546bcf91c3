import CPROJ

/// A PROJ context with one PJ object in it, used by one thread at a time.
///
/// PROJ objects are not thread-safe, and a context must not be shared between threads either,
/// so each PJ lives in a context of its own; this class owns both and frees both.
final class PROJObject: @unchecked Sendable {
    let context: OpaquePointer
    let pj: OpaquePointer

    /// Creates a context and, inside it, the object `make` returns (nil: PROJ's error).
    init(_ make: (OpaquePointer) -> OpaquePointer?) throws(PROJFailure) {
        guard let context = proj_context_create() else { throw PROJFailure(message: "cannot create a PROJ context") }
        // PROJ explains failures only in its log ("crs not found: EPSG:99999"); catch the
        // log while making the object instead of letting PROJ print it.
        let log = PROJLog()
        proj_log_level(context, PJ_LOG_ERROR)
        proj_log_func(context, Unmanaged.passUnretained(log).toOpaque()) { data, _, message in
            guard let data, let message else { return }
            Unmanaged<PROJLog>.fromOpaque(data).takeUnretainedValue().last = String(cString: message)
        }
        let made = make(context)
        proj_log_func(context, nil) { _, _, _ in }
        proj_log_level(context, PJ_LOG_NONE)
        guard let pj = made else {
            let message = log.last ?? PROJObject.message(context)
            proj_context_destroy(context)
            throw PROJFailure(message: message)
        }
        self.context = context
        self.pj = pj
    }

    deinit {
        proj_destroy(pj)
        proj_context_destroy(context)
    }

    static func message(_ context: OpaquePointer) -> String {
        let code = proj_context_errno(context)
        guard code != 0, let text = proj_context_errno_string(context, code) else { return "PROJ gave no reason" }
        return String(cString: text)
    }
}

/// The last message PROJ logged while an object was made.
private final class PROJLog {
    var last: String?
}

struct PROJFailure: Error {
    let message: String
}
