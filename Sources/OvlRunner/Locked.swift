import Foundation

/// Fixed slots that several threads fill, one slot each.
final class LockedSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [T?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.withLock { storage[i] = value } }
    var values: [T?] { lock.withLock { storage } }
}
