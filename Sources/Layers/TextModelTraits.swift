/// A text model that reads at most `maxTokens` tokens (its position table's length); longer
/// texts are cut to fit before it reads them.
public protocol BoundedTextModel {
    var maxTokens: Int { get }
}

/// A classifier whose classes have names (a checkpoint's id2label: "negative", "positive"),
/// which explanations show beside the class number.
public protocol NamedClasses {
    var classNames: [String] { get }
}
