/// The derivative index: every op the autograd tape records, in one table (as PyTorch's
/// derivatives.yaml is for PyTorch). For each op: the name it records (a tensor's
/// `gradFnName`), its derivative in plain maths, the file under Sources/Tensors that holds its
/// forward and backward side by side, and the tests that check its gradient.
///
/// Notation: x, a, b are inputs, y the output, g the gradient arriving at y; gradients of
/// broadcast inputs are summed back to the input's shape. DerivativeIndexTests keeps the table
/// true: every name the tape can record has an entry, every entry is an op the sources record,
/// and every check an entry names really runs the op (LayersTests does the same for the layer
/// references).
public enum Derivatives {
    /// How an op's gradient is tested.
    public enum Check: String, Sendable, CaseIterable {
        /// Tests/TensorsTests/GradCheckTests.swift: backward against central finite differences.
        case finiteDifference
        /// Tests/TensorsTests/OpsReferenceTests.swift: outputs and gradients against PyTorch's
        /// (../shared/reference/ops.json).
        case pytorchOps
        /// Tests/LayersTests/ReferenceLayerTests.swift: layers and models against PyTorch's
        /// outputs and gradients (../shared/reference/<layer>/).
        case pytorchLayers
    }

    /// One op of the index.
    public struct Entry: Sendable {
        /// The name the tape records.
        public let op: String
        /// The derivative in plain maths.
        public let derivative: String
        /// The file in Sources/Tensors with the op's forward and backward.
        public let file: String
        /// The tests that check the op's gradient.
        public let checks: Set<Check>
    }

    /// The entry of the op recorded as `op`, if there is one.
    public static func entry(_ op: String) -> Entry? { entries.first { $0.op == op } }

    private static let fd = Check.finiteDifference, ops = Check.pytorchOps, layers = Check.pytorchLayers

    private static func e(_ op: String, _ file: String, _ checks: Set<Check>, _ derivative: String) -> Entry {
        Entry(op: op, derivative: derivative, file: file, checks: checks)
    }

    /// Every recorded op, grouped as the sources are.
    public static let entries: [Entry] = [
        // Elementwise arithmetic
        e("add", "Elementwise.swift", [fd, ops, layers],
          "∂/∂a = 1, ∂/∂b = 1"),
        e("sub", "Elementwise.swift", [fd, ops],
          "∂/∂a = 1, ∂/∂b = −1"),
        e("mul", "Elementwise.swift", [fd, ops, layers],
          "∂/∂a = b, ∂/∂b = a"),
        e("div", "Elementwise.swift", [fd, ops],
          "∂/∂a = 1/b, ∂/∂b = −a/b²"),
        e("pow", "Elementwise.swift", [fd, ops],
          "a^b: ∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a (0 where a ≤ 0); "
          + "x^p for a constant p: d/dx = p·x^(p−1)"),
        e("maximum", "Elementwise.swift", [fd],
          "g goes to a where a ≥ b, else to b"),
        e("minimum", "Elementwise.swift", [fd],
          "g goes to a where a ≤ b, else to b"),
        e("add_scalar", "Elementwise.swift", [fd],
          "d/dx (x + s) = 1"),
        e("mul_scalar", "Elementwise.swift", [fd, ops, layers],
          "d/dx (s·x) = s"),
        e("neg", "Elementwise.swift", [fd, ops, layers],
          "d/dx (−x) = −1"),
        e("exp", "Elementwise.swift", [fd, ops],
          "d/dx eˣ = y"),
        e("log", "Elementwise.swift", [fd, ops],
          "d/dx ln x = 1/x"),
        e("sqrt", "Elementwise.swift", [fd, ops],
          "d/dx √x = 1/(2y)"),
        e("abs", "Elementwise.swift", [fd],
          "d/dx |x| = sign x (0 at 0)"),
        e("sin", "Elementwise.swift", [fd],
          "d/dx sin x = cos x"),
        e("cos", "Elementwise.swift", [fd],
          "d/dx cos x = −sin x"),
        e("clamp", "Elementwise.swift", [fd],
          "1 where low ≤ x ≤ high, else 0"),
        // Activations
        e("relu", "Activations.swift", [fd, ops, layers],
          "1 for x > 0, else 0"),
        e("sigmoid", "Activations.swift", [fd, ops],
          "d/dx σ(x) = y(1 − y)"),
        e("tanh", "Activations.swift", [fd, ops],
          "d/dx tanh x = 1 − y²"),
        e("softplus", "Activations.swift", [fd, ops, layers],
          "d/dx log(1 + eˣ) = σ(x); 1 above 20, where y = x"),
        e("gelu", "Activations.swift", [fd, ops, layers],
          "d/dx x·Φ(x) = Φ(x) + x·φ(x)"),
        e("gelu_tanh", "Activations.swift", [fd, ops],
          "y = ½x(1 + t), t = tanh(c(x + 0.044715x³)), c = √(2/π): "
          + "d/dx = ½(1 + t) + ½x(1 − t²)·c(1 + 3·0.044715x²)"),
        // Reductions and softmax
        e("sum", "Reduce.swift", [fd, ops, layers],
          "d/dx = 1: g repeated over the summed dimensions"),
        e("max", "Reduce.swift", [fd, ops],
          "g goes to the element that won along the dimension (the first on ties)"),
        e("min", "Reduce.swift", [fd],
          "g goes to the element that won along the dimension (the first on ties)"),
        e("softmax", "Softmax.swift", [fd, ops, layers],
          "dx = y·(g − Σ g·y) along the dimension"),
        e("log_softmax", "Softmax.swift", [fd, ops, layers],
          "dx = g − eʸ·Σ g along the dimension"),
        // Products
        e("matmul", "Matmul.swift", [fd, ops],
          "C = A·B: dA = g·Bᵀ, dB = Aᵀ·g (summed over broadcast batch dimensions)"),
        e("linear", "Matmul.swift", [fd, layers],
          "y = x·Wᵀ + b: dx = g·W, dW = gᵀ·x, db = Σ g over rows"),
        e("int8_linear", "Quantized.swift", [fd],
          "straight-through: dx = g·W_q with W_q the weights the int8 codes stand for; "
          + "the codes take no gradient"),
        // Moving and selecting elements
        e("reshape", "ShapeOps.swift", [fd, ops, layers],
          "dx = g reshaped back to x's shape"),
        e("permute", "ShapeOps.swift", [fd, ops],
          "dx = g permuted back (the inverse permutation)"),
        e("slice", "ShapeOps.swift", [fd, ops, layers],
          "dx = zeros with g added at the sliced positions"),
        e("cat", "ShapeOps.swift", [fd, ops, layers],
          "each input's gradient is its slice of g"),
        e("expand", "ShapeOps.swift", [fd],
          "dx = g summed over the expanded dimensions"),
        e("index_select", "ShapeOps.swift", [fd],
          "dx = zeros with g's rows added at the selected indices"),
        e("gather", "ShapeOps.swift", [fd],
          "dx = zeros with g added at the gathered positions"),
        e("where", "Masking.swift", [fd],
          "where(c, a, b): ∂/∂a = c, ∂/∂b = ¬c"),
        e("masked_fill", "Masking.swift", [fd, ops, layers],
          "dx = g where the mask is false, 0 where it was filled"),
        // Neural-network layers
        e("embedding", "Embedding.swift", [fd, ops, layers],
          "dW[id] += g's row for every id (none for padding_idx)"),
        e("layer_norm", "LayerNorm.swift", [fd, ops, layers],
          "x̂ = (x − μ)/σ, y = x̂·w + b: dx = (1/σ)(ĝ − mean ĝ − x̂·mean(ĝ·x̂)) with ĝ = g·w; "
          + "dw = Σ g·x̂, db = Σ g over rows"),
        e("dropout", "Dropout.swift", [fd],
          "dx = g·mask/(1 − p), the mask of the forward pass"),
        e("conv2d", "Conv.swift", [fd, ops, layers],
          "Y[n] = W·cols(X[n]) + b: dW = Σn g[n]·cols(X[n])ᵀ, dX[n] = col2im(Wᵀ·g[n]), db = Σ g"),
        e("max_pool2d", "Conv.swift", [fd, ops, layers],
          "g goes to the maximum of each window"),
        e("avg_pool2d", "Conv.swift", [fd],
          "g/(k·k) goes to every element of each window (padding counted)"),
        e("attention", "Attention.swift", [fd, layers],
          "S = s·Q·Kᵀ + M, W = softmax(S), O = W·V: dV = Wᵀ·dO; dW = dO·Vᵀ + g_W; "
          + "dS = W∘(dW − rowsum(dW∘W)); dQ = s·dS·K; dK = s·dSᵀ·Q"),
        e("splitHeads", "Attention.swift", [fd, layers],
          "the three heads' gradients written back into one [B, T, 3E]"),
        e("mergeHeads", "Attention.swift", [fd, layers],
          "g split back into heads [B, H, T, d]"),
        e("lstm", "LSTM.swift", [fd, layers],
          "per step, back in time: do = dh·tanh c′; dc += dh·o(1 − tanh²c′); "
          + "da = (dc·g·i(1 − i), dc·c·f(1 − f), dc·i(1 − g²), do·o(1 − o)); dc_prev = dc·f; "
          + "dh_prev = da·W_hh, dW_hh += daᵀ·h_prev; then dx = da·W_ih, dW_ih = daᵀ·x, db = Σ da"),
        e("gru", "GRU.swift", [fd, layers],
          "per step, back in time: dn = dh(1 − z); dz = dh(h_prev − n); da_n = dn(1 − n²); "
          + "da_r = da_n·(h·W_hn + b_hn)·r(1 − r); da_z = dz·z(1 − z); the hidden side da_h is the same with "
          + "da_n·r for n; dh_prev = da_h·W_hh + dh·z, dW_hh += da_hᵀ·h_prev; "
          + "then dx = da·W_ih, dW_ih = daᵀ·x, db_ih = Σ da, db_hh = Σ da_h"),
    ]
}
