"""The peer of xai-bench's pretrained-model workloads, in PyTorch + transformers + Captum (installed with pip
outside the project; used for comparison only).

  python3 bench/hf_peer.py make DIR     writes a randomly initialised BERT of all-MiniLM-L6-v2's size (6 layers,
                                        hidden 384, 12 heads, intermediate 1536, vocabulary 30,522: 22.7 M
                                        parameters, two labels) with a WordPiece vocabulary, as save_pretrained does
  python3 bench/hf_peer.py embed DIR    times a sentence embedding (mean pooling, normalised) of a 32-token sentence
  python3 bench/hf_peer.py ig DIR       times Captum's LayerIntegratedGradients, 50 steps, at the word embeddings

Each prints the seconds of the work alone (median of repeats, imports and loading excluded) and the process's peak
resident memory. xai's side: `xai-bench pretrained DIR`.
"""
import os, resource, statistics, sys, time

SENTENCE = ("the food was not good at all , but the service was friendly and the prices were fair ; "
            "i would still go back there again with my family today")


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make(folder):
    import torch
    from transformers import BertConfig, BertForSequenceClassification
    torch.manual_seed(0)
    here = os.path.dirname(os.path.abspath(__file__))
    words = open(os.path.join(here, "..", "data", "sentiment.tsv"), encoding="utf-8").read().lower().split()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    seen = set(vocab)
    for w in words:
        w = "".join(c for c in w if c.isalnum())
        if w and w not in seen:
            seen.add(w); vocab.append(w)
    vocab += [f"[unused{i}]" for i in range(30522 - len(vocab))]
    cfg = BertConfig(vocab_size=30522, hidden_size=384, num_hidden_layers=6, num_attention_heads=12,
                     intermediate_size=1536, max_position_embeddings=512, num_labels=2)
    model = BertForSequenceClassification(cfg).eval()
    model.save_pretrained(folder, safe_serialization=True)
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("".join(t + "\n" for t in vocab[:30522]))
    print(f"wrote {folder}: {sum(p.numel() for p in model.parameters()) / 1e6:.1f} M parameters")


def load(folder):
    import torch
    from transformers import BertForSequenceClassification, BertTokenizer
    torch.set_num_threads(int(os.environ.get("XAI_THREADS", "2")))
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"), do_lower_case=True)
    model = BertForSequenceClassification.from_pretrained(folder, attn_implementation="eager").eval()
    enc = tok(SENTENCE, return_tensors="pt")
    assert enc["input_ids"].shape[1] == 32, enc["input_ids"].shape
    return torch, tok, model, enc


def timed(body, repeats):
    body()                                   # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); body(); times.append(time.perf_counter() - t)
    return statistics.median(times)


def embed(folder):
    torch, tok, model, enc = load(folder)

    def once():
        with torch.no_grad():
            h = model.bert(**enc).last_hidden_state
            m = enc["attention_mask"].unsqueeze(-1).float()
            v = (h * m).sum(1) / m.sum(1)
            return torch.nn.functional.normalize(v, dim=-1)
    print(f"embed 32 tokens: {timed(once, 50) * 1000:.2f} ms (median of 50) · peak {peak_mb():.0f} MB")


def ig(folder):
    torch, tok, model, enc = load(folder)
    from captum.attr import LayerIntegratedGradients
    x = enc["input_ids"]
    base = x.clone(); base[0, 1:-1] = tok.pad_token_id

    def forward(ids):
        return model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits
    lig = LayerIntegratedGradients(forward, model.bert.embeddings.word_embeddings)

    def once():
        lig.attribute(x, baselines=base, target=1, n_steps=50, method="gausslegendre",
                      return_convergence_delta=True)
    print(f"LayerIntegratedGradients 50 steps, 32 tokens: {timed(once, 5):.3f} s (median of 5) · "
          f"peak {peak_mb():.0f} MB")


if __name__ == "__main__":
    {"make": make, "embed": embed, "ig": ig}[sys.argv[1]](sys.argv[2])
