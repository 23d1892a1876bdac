import LatentTensor

/// A node of a model: it owns parameters, buffers and child modules, found by reflection on its
/// stored properties, and names them by path (`encoder.layers.0.weight`).
///
/// Subclass it and store `Parameter`s, `Buffer`s, modules, arrays of them or optionals of them
/// in `let`/`var` properties; the property names become the path components and array elements
/// are numbered from 0. Those names are what checkpoints store, so renaming a property renames
/// the tensors in saved files.
open class Module {
    /// Training mode (dropout active, batch statistics used) vs evaluation mode.
    public private(set) var isTraining = true

    public init() {}

    /// Everything reflection finds directly on this module, in declaration order.
    private func ownItems() -> [(String, Any)] {
        var items: [(String, Any)] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        var chain: [Mirror] = []
        while let m = mirror {
            chain.append(m)
            mirror = m.superclassMirror
        }
        // Superclass properties first, so a subclass's own members follow its base's.
        for m in chain.reversed() {
            for child in m.children {
                if let label = child.label { items.append((label.hasPrefix("_") ? String(label.dropFirst()) : label, child.value)) }
            }
        }
        return items
    }

    /// Visits every parameter, buffer and child module found in `value` under `path`.
    private static func visit(_ value: Any, path: String, parameter: (String, Parameter) -> Void,
                              buffer: (String, Buffer) -> Void, module: (String, Module) -> Void) {
        switch value {
        case let p as Parameter: parameter(path, p)
        case let b as Buffer: buffer(path, b)
        case let m as Module: module(path, m)
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                if let wrapped = mirror.children.first { visit(wrapped.value, path: path, parameter: parameter, buffer: buffer, module: module) }
            } else if mirror.displayStyle == .collection {
                for (i, element) in mirror.children.enumerated() {
                    visit(element.value, path: "\(path).\(i)", parameter: parameter, buffer: buffer, module: module)
                }
            }
        }
    }

    /// Direct children with their names (`layers.0`, `encoder`, …).
    public func namedChildren() -> [(String, Module)] {
        var out: [(String, Module)] = []
        for (label, value) in ownItems() {
            Module.visit(value, path: label, parameter: { _, _ in }, buffer: { _, _ in }, module: { out.append(($0, $1)) })
        }
        return out
    }

    /// Every parameter of this module and its descendants, by dotted path, in a stable order.
    public func namedParameters() -> [(String, Parameter)] {
        var state = State()
        collect(prefix: "", into: &state)
        return state.parameters
    }

    /// Every buffer of this module and its descendants, by dotted path.
    public func namedBuffers() -> [(String, Buffer)] {
        var state = State()
        collect(prefix: "", into: &state)
        return state.buffers
    }

    /// Parameters and buffers gathered in one walk of the tree.
    private struct State {
        var parameters: [(String, Parameter)] = []
        var buffers: [(String, Buffer)] = []
    }

    private func collect(prefix: String, into state: inout State) {
        for (label, value) in ownItems() {
            var children: [(String, Module)] = []
            Module.visit(value, path: prefix + label,
                         parameter: { state.parameters.append(($0, $1)) },
                         buffer: { state.buffers.append(($0, $1)) },
                         module: { children.append(($0, $1)) })
            for (path, child) in children { child.collect(prefix: path + ".", into: &state) }
        }
    }

    /// The parameters, without names.
    public func parameters() -> [Parameter] { namedParameters().map { $0.1 } }

    /// Parameters that are not frozen (what an optimizer should update).
    public func trainableParameters() -> [Parameter] { parameters().filter { !$0.isFrozen } }

    /// Total number of scalars in all parameters.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Switches this module and all descendants to training mode.
    public func train() { setTraining(true) }
    /// Switches this module and all descendants to evaluation mode.
    public func eval() { setTraining(false) }

    private func setTraining(_ on: Bool) {
        isTraining = on
        for (_, child) in namedChildren() { child.setTraining(on) }
    }

    /// Stops gradients for every parameter (e.g. a pretrained encoder).
    public func freeze() { for p in parameters() { p.isFrozen = true } }
    /// Lets every parameter train again.
    public func unfreeze() { for p in parameters() { p.isFrozen = false } }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters() { p.zeroGrad() } }
}

/// A module that maps one tensor to one tensor — what `Sequential` chains.
public protocol Layer: Module {
    /// The forward pass.
    func callAsFunction(_ input: Tensor) -> Tensor
}
