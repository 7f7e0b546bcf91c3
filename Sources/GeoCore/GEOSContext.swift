import CGEOS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The GEOS context of the calling thread.
///
/// GEOS's reentrant API wants a context per thread; creating one per call would cost more than
/// most operations. So each thread gets one on first use, kept until the thread ends (a
/// pthread key destructor frees it). The context also collects what GEOS says: the last
/// error message, which becomes a thrown ``GeometryError``, and the last notice, which is kept
/// but never thrown (GEOS 3.11 emits a notice for every invalid geometry `GEOSisValid_r` sees).
final class GEOSContext {
    let handle: OpaquePointer
    var lastError: String?
    var lastNotice: String?

    private init() {
        handle = GEOS_init_r()
        let me = Unmanaged.passUnretained(self).toOpaque()
        GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let userdata else { return }
            let context = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            context.lastError = message.map { String(cString: $0) }
        }, me)
        GEOSContext_setNoticeMessageHandler_r(handle, { message, userdata in
            guard let userdata else { return }
            let context = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            context.lastNotice = message.map { String(cString: $0) }
        }, me)
    }

    deinit {
        GEOS_finish_r(handle)
    }

    /// The calling thread's context, created on first use.
    static var current: GEOSContext {
        if let raw = pthread_getspecific(threadKey) {
            return Unmanaged<GEOSContext>.fromOpaque(raw).takeUnretainedValue()
        }
        let context = GEOSContext()
        pthread_setspecific(threadKey, Unmanaged.passRetained(context).toOpaque())
        return context
    }

    /// The calling thread's context handle, for a GEOS call that cannot fail. Read without
    /// retaining the thread's context (the thread keeps it alive): most GEOS calls are cheap
    /// enough that a reference-count pair per call showed in profiles.
    @inline(__always)
    static var handle: OpaquePointer {
        if let raw = pthread_getspecific(threadKey) {
            return Unmanaged<GEOSContext>.fromOpaque(raw)._withUnsafeGuaranteedRef { $0.handle }
        }
        return current.handle
    }

    /// Clears the last error, so that a failed call reports its own message.
    @inline(__always)
    func reset() { lastError = nil }

    /// An error for a GEOS call that failed, carrying GEOS's own message.
    func failure(_ operation: String) -> GeometryError {
        let message = lastError ?? "GEOS reported a failure without a message"
        lastError = nil
        return .geos(operation: operation, message: message)
    }
}

private let threadKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { raw in
        #if canImport(Darwin)
        Unmanaged<GEOSContext>.fromOpaque(raw).release()
        #else
        if let raw { Unmanaged<GEOSContext>.fromOpaque(raw).release() }
        #endif
    }
    precondition(status == 0, "pthread_key_create failed: \(status)")
    return key
}()
