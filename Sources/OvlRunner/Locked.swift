import Foundation

/// Fixed slots that several threads fill, one slot each.
final class LockedSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [T?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.withLock { storage[i] = value } }
    var values: [T?] { lock.withLock { storage } }
}

/// Hands a value to exactly one other thread (a lane is only ever used by the thread that runs it).
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
