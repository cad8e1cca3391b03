import Foundation
import Layers
import Tensors
import Training

/// The explained input as the person gave it.
public enum RawInput {
    case row(Tensor)        // [F]
    case image(Tensor)      // [C, H, W]
    case text(String)
}

public enum Explainer {
    /// Text split into words as lime's split_expression [^a-zA-Z0-9']+ does; the words keep
    /// their case for display and are looked up lower-cased (the model's tokenizer).
    public static func words(_ text: String, maxLength: Int = 40) -> [String] {
        Array(Tokenizer.splitWords(text, keepingCase: true).prefix(maxLength))
    }

    /// The default output per method: probabilities for LIME (its classifier_fn), logits
    /// for everything else (Captum's convention, and shap's when given the model's logits).
    static func defaultOutput(_ method: String) -> OutputKind { method == "lime" ? .probability : .logit }

    /// The model and input as explainers see them, for the request's method.
    public static func subject(_ model: Model, _ input: RawInput, _ r: ExplainRequest,
                               names: [String] = []) throws -> Explainee {
        let output = r.output ?? defaultOutput(r.method)
        switch input {
        case .text(let text):
            if let tokenizer = model.tokenizer {
                return try SubwordText.subject(model, tokenizer, text, pair: r.pair, target: r.target,
                                               output: output, pieces: r.pieces)
            }
            return try textSubject(model, text, target: r.target, output: output)
        case .row(let x):
            return try Explainee(model: model, kind: .tabular, input: x, baseline: r.baseline, target: r.target,
                                 output: output, unitNames: names, background: r.background)
        case .image(let x):
            guard r.patch >= 1, r.patch <= max(x.shape[1], x.shape[2]) else {
                throw TensorError.value("patch must be between 1 and the image side, found \(r.patch)")
            }
            return try Explainee(model: model, kind: .image, input: x, baseline: r.baseline, target: r.target,
                                 output: output, background: r.background, patch: r.patch)
        }
    }

    /// Text through the model's vocabulary. Character models see every character (the last
    /// `context` of them); word models see words, looked up lower-cased.
    static func textSubject(_ model: Model, _ text: String, target: Int?, output: OutputKind) throws -> Explainee {
        guard let vocab = model.vocabulary else {
            throw TensorError.value("explaining text needs the model's vocabulary: "
                                    + "set model.vocab = data.vocab() first")
        }
        let w: [String], ids: [Int]
        if vocab.tokenizer == .characters {
            let limit = (model.module as? NextTokenModel)?.gpt.context ?? 40
            let chars = Array(Tokenizer.characters.tokens(text).suffix(limit))
            ids = chars.map { vocab.id($0) }
            // Spaces and line breaks get visible names.
            w = chars.map { $0 == " " ? "␣" : $0 == "\n" ? "⏎" : $0 }
        } else {
            w = words(text)
            ids = w.map { vocab.id($0.lowercased()) }
        }
        guard !w.isEmpty else { throw TensorError.value("the text \"\(text)\" has no words to explain") }
        return try Explainee.text(model: model, ids: ids, words: w, target: target, output: output)
    }

    /// Runs one explanation method; the explanation keeps the request.
    public static func explain(_ s: Explainee, _ r: ExplainRequest) throws -> Explanation {
        var e = try run(s, r)
        e.request = r
        return e
    }

    static func run(_ s: Explainee, _ r: ExplainRequest) throws -> Explanation {
        let method = try ExplainRequest.canonical(r.method)
        if r.layer != nil || LayerAttribution.methods.contains(method) {
            return try LayerAttribution.explain(s, r, method: method)
        }
        switch method {
        case "saliency": return try GradientMethods.saliency(s, absolute: r.absolute)
        case "input_x_gradient": return try GradientMethods.inputXGradient(s)
        case "smoothgrad":
            return try GradientMethods.smoothGrad(s, samples: r.samples ?? 5, stdev: r.stdev ?? 1.0, seed: r.seed,
                                                  base: r.base)
        case "integrated_gradients":
            return try GradientMethods.integratedGradients(s, steps: r.steps, rule: r.rule, batch: r.batch)
        case "occlusion", "feature_ablation": return try Occlusion.explain(s, window: r.window, stride: r.stride)
        case "lime": return try lime(s, r)
        case "kernel_shap": return try Shapley.kernel(s, samples: r.samples, seed: r.seed)
        case "exact_shapley": return try Shapley.exact(s)
        case "permutation_shap": return try Shapley.permutation(s, permutations: r.permutations, seed: r.seed)
        case "shap":
            // Exact when the coalitions can all be evaluated, KernelSHAP otherwise.
            return Shapley.varying(s).count <= Shapley.exactLimit
                ? try Shapley.exact(s) : try Shapley.kernel(s, samples: r.samples, seed: r.seed)
        case "deeplift": return try DeepLift.explain(s, chained: r.chained)
        case "deeplift_shap": return try DeepLift.shap(s, chained: r.chained)
        case "gradient_shap":
            guard s.kind != .text || r.background == nil else {
                throw TensorError.value("gradient_shap on text starts from the baseline's embeddings (pad tokens); "
                                        + "background: is for feature rows and images")
            }
            return try GradientShap.explain(s, samples: r.samples ?? GradientShap.defaultSamples,
                                            stdev: r.stdev ?? GradientShap.defaultStdev, seed: r.seed)
        case "guided_backprop": return try GuidedBackprop.guided(s)
        case "deconvolution": return try GuidedBackprop.deconvolution(s)
        case "attention": return try AttentionMaps.weights(s)
        case "attention_rollout": return try AttentionMaps.rollout(s)
        default: throw TensorError.value("unknown explanation method \"\(r.method)\"")
        }
    }

    /// LIME for the input's kind, with its defaults for samples and kernel width.
    static func lime(_ s: Explainee, _ r: ExplainRequest) throws -> Explanation {
        switch s.kind {
        case .text:
            return try Lime.text(s, samples: r.samples ?? 5000, features: r.features, kernelWidth: r.kernelWidth ?? 25,
                                 seed: r.seed)
        case .tabular:
            guard let training = r.background else {
                throw TensorError.value("LIME for a table row needs training rows to learn feature distributions: "
                                        + "background: train_data")
            }
            return try Lime.tabular(s, training: training, samples: r.samples ?? 5000, features: r.features,
                                    kernelWidth: r.kernelWidth, seed: r.seed)
        case .image:
            return try Lime.image(s, samples: r.samples ?? 1000, kernelWidth: r.kernelWidth ?? 0.25, seed: r.seed)
        }
    }
}
