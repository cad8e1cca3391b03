import Tensors

/// nn.LSTM / nn.GRU, batch-first, any number of layers, per-row lengths. Parameters are
/// named weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} as in PyTorch, all
/// initialised U(−1/√hidden, 1/√hidden).
public final class Recurrent: Layer {
    public enum Cell: String { case lstm = "LSTM", gru = "GRU" }
    public let cell: Cell
    public let inputSize: Int, hiddenSize: Int, numLayers: Int
    public let dropout: Float
    var weights: [(ih: Parameter, hh: Parameter, bih: Parameter?, bhh: Parameter?)] = []
    /// Set by quantizeInt8() for LSTMs: per layer, the int8 codes its products then run with.
    public var int8: [(ih: Int8Matrix, hh: Int8Matrix)] = []

    public init(_ cell: Cell, inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true,
                dropout: Float = 0) throws {
        guard inputSize > 0, hiddenSize > 0, numLayers > 0 else {
            throw TensorError(.value, "\(cell.rawValue) needs positive sizes, found input \(inputSize), "
                              + "hidden \(hiddenSize), layers \(numLayers)")
        }
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.dropout = dropout
        super.init()
        let gates = cell == .lstm ? 4 : 3
        let bound = 1 / Float(hiddenSize).squareRoot()
        for k in 0..<numLayers {
            let inSize = k == 0 ? inputSize : hiddenSize
            let ih = try Parameter(Init.uniform([gates * hiddenSize, inSize], bound: bound))
            let hh = try Parameter(Init.uniform([gates * hiddenSize, hiddenSize], bound: bound))
            let bih = bias ? try Parameter(Init.uniform([gates * hiddenSize], bound: bound)) : nil
            let bhh = bias ? try Parameter(Init.uniform([gates * hiddenSize], bound: bound)) : nil
            register("weight_ih_l\(k)", ih)
            register("weight_hh_l\(k)", hh)
            if let bih, let bhh { register("bias_ih_l\(k)", bih); register("bias_hh_l\(k)", bhh) }
            weights.append((ih, hh, bih, bhh))
        }
    }

    public override var typeName: String { cell.rawValue }
    public override var details: String {
        "\(inputSize) → \(hiddenSize), \(numLayers) layer\(numLayers == 1 ? "" : "s")"
            + (int8.isEmpty ? "" : ", int8")
    }

    /// Output [B, T, H] of the last layer; final states [layers, B, H] (c only for LSTM).
    public func run(_ x: Tensor, lengths: [Int]? = nil, h0: Tensor? = nil,
                    c0: Tensor? = nil) throws -> (output: Tensor, h: Tensor, c: Tensor?) {
        var input = x
        var hs: [Tensor] = [], cs: [Tensor] = []
        for (k, w) in weights.enumerated() {
            let hk = try h0.map { try $0.select(dim: 0, index: k) }
            let ck = try c0.map { try $0.select(dim: 0, index: k) }
            switch cell {
            case .lstm:
                // Given only one of h0 and c0, the other starts at zeros.
                let h0k = try hk ?? (ck != nil ? Tensor.zeros(ck?.shape ?? []) : nil)
                let c0k = try ck ?? (hk != nil ? Tensor.zeros(hk?.shape ?? []) : nil)
                let r = try Tensor.lstmLayer(input, weightIH: w.ih.value, weightHH: w.hh.value, biasIH: w.bih?.value,
                                             biasHH: w.bhh?.value, h0: h0k, c0: c0k, lengths: lengths,
                                             int8: k < int8.count ? int8[k] : nil)
                input = r.output; hs.append(r.h); cs.append(r.c)
            case .gru:
                let r = try Tensor.gruLayer(input, weightIH: w.ih.value, weightHH: w.hh.value, biasIH: w.bih?.value,
                                            biasHH: w.bhh?.value, h0: hk, lengths: lengths)
                input = r.output; hs.append(r.h)
            }
            if training && dropout > 0 && k < weights.count - 1 { input = try input.dropout(p: dropout) }
        }
        return (input, try Tensor.stack(hs, dim: 0), cs.isEmpty ? nil : try Tensor.stack(cs, dim: 0))
    }

    public override func forward(_ x: Tensor) throws -> Tensor { try run(x).output }
}
