"""Make a small BERT sentiment classifier in the Hugging Face format.

Usage, from the repository root:

    python3 data/pretrained/make_sentiment_bert.py data

It reads `<data>/sentiment.tsv` and `<data>/sentiment_test_indices.txt`, and writes the checkpoint to
`<data>/pretrained/sentiment-bert/` (config.json, model.safetensors and the tokenizer files).

Steps:
1. Split the rows: the 600 rows listed in sentiment_test_indices.txt are the test set, the other 2,400 the
   training set (the same split as scripts/sentiment.xai).
2. Train an uncased WordPiece tokenizer on the training sentences only (about 3,000 pieces).
3. Train a tiny BertForSequenceClassification from random weights on the training rows. There is no
   pre-training (no masked language model): the classifier is fine-tuned from scratch.
4. Report the test accuracy, save, load the folder back with the Auto classes and check that the reloaded
   model gives the same probabilities for three example sentences.

The run is seeded and single-threaded, so it repeats bit for bit with the same library versions on the same
kind of CPU. Made with PyTorch 2.15, transformers 5.24 and tokenizers 0.23; these are not dependencies of the
project, only of this generator.
"""

import math
import os
import sys
import time

import torch
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    BertConfig,
    BertForSequenceClassification,
    BertTokenizerFast,
)
from transformers.utils import logging as transformers_logging

SEED = 0
VOCAB_SIZE = 3000
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MAX_LENGTH = 64  # tokens, [CLS] and [SEP] included; longer sentences are truncated
LABELS = {0: "negative", 1: "positive"}  # sentiment.tsv: 1 = positive, 0 = negative

# Training settings. They were chosen on a validation part of the TRAINING rows, not on the test rows.
EPOCHS = 12
BATCH_SIZE = 32
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 0.01
WARMUP_FRACTION = 0.1
DROPOUT = 0.1

EXAMPLES = [
    "The food was not good at all.",
    "Great phone, excellent battery and a very fair price!",
    "I would never buy this again; it broke after one day.",
]


def read_rows(path):
    """The (sentence, label) rows of a `text<TAB>label` file with a header line."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0] != "text\tlabel":
        raise ValueError(f"{path}: expected the header 'text<TAB>label', found {lines[:1]!r}")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != 2 or fields[1] not in ("0", "1") or not fields[0]:
            raise ValueError(f"{path}:{number}: expected 'sentence<TAB>0|1', found {line!r}")
        rows.append((fields[0], int(fields[1])))
    return rows


def read_test_indices(path, row_count):
    """The 0-based test row indices, one per line; each must be a distinct row of the data."""
    with open(path, encoding="utf-8") as f:
        indices = [int(line) for line in f.read().split()]
    if len(set(indices)) != len(indices):
        raise ValueError(f"{path}: expected distinct indices, found repeats")
    bad = [i for i in indices if not 0 <= i < row_count]
    if bad:
        raise ValueError(f"{path}: expected indices in 0..<{row_count}, found {bad[:5]}")
    return indices


def initial_pieces(tokenizer, sentences):
    """The one-character pieces the trainer starts from, sorted by code point: every character of the
    pre-tokenized words, then "##" + every character that occurs after the start of a word."""
    starts, continuations = set(), set()
    for sentence in sentences:
        normalized = tokenizer.normalizer.normalize_str(sentence)
        for word, _ in tokenizer.pre_tokenizer.pre_tokenize_str(normalized):
            starts.update(word)
            continuations.update(word[1:])
    return sorted(starts) + ["##" + c for c in sorted(continuations)]


def train_tokenizer(sentences):
    """An uncased WordPiece tokenizer trained on `sentences`, wrapped as a BertTokenizerFast."""
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    # WordPieceTrainer (tokenizers 0.23) numbers the "##x" pieces in hash-map order, and pair ids break ties
    # between equally frequent merges, so two runs can learn different vocabularies (tokenizers issue #1794).
    # Handing it every one-character piece up front, sorted, fixes their ids and makes training repeatable.
    # Only the vocabulary is kept: the BertTokenizerFast below treats just the five real tokens as special.
    starting = SPECIAL_TOKENS + initial_pieces(tokenizer, sentences)
    trainer = trainers.WordPieceTrainer(vocab_size=VOCAB_SIZE, special_tokens=starting, show_progress=False)
    tokenizer.train_from_iterator(sentences, trainer=trainer)
    vocab = tokenizer.get_vocab()
    for i, token in enumerate(starting):
        if vocab.get(token) != i:
            raise RuntimeError(f"expected {token!r} at id {i}, found {vocab.get(token)}")
    # BertTokenizerFast rebuilds the same pipeline (BertNormalizer lower-casing, BertPreTokenizer, WordPiece
    # with "##" continuations) around the vocabulary and adds the [CLS] ... [SEP] template.
    return BertTokenizerFast(vocab=vocab, do_lower_case=True, model_max_length=MAX_LENGTH)


def encode(tokenizer, sentences):
    """input_ids, token_type_ids and attention_mask, padded to the longest sentence."""
    return tokenizer(sentences, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")


def make_model(vocab_size):
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=128,
        max_position_embeddings=MAX_LENGTH,
        type_vocab_size=2,
        hidden_dropout_prob=DROPOUT,
        attention_probs_dropout_prob=DROPOUT,
        pad_token_id=0,
        num_labels=2,
        id2label=dict(LABELS),
        label2id={name: i for i, name in LABELS.items()},
    )
    return BertForSequenceClassification(config)


def train(model, tokenizer, sentences, labels, log=print):
    """AdamW with a linear warm-up and linear decay, shuffled mini-batches."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    steps_per_epoch = math.ceil(len(sentences) / BATCH_SIZE)
    total = EPOCHS * steps_per_epoch
    warmup = max(1, int(WARMUP_FRACTION * total))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / (total - warmup))))
    order = torch.Generator().manual_seed(SEED)
    targets = torch.tensor(labels)
    model.train()
    for epoch in range(EPOCHS):
        permutation = torch.randperm(len(sentences), generator=order).tolist()
        loss_sum = 0.0
        for start in range(0, len(sentences), BATCH_SIZE):
            batch = permutation[start:start + BATCH_SIZE]
            inputs = encode(tokenizer, [sentences[i] for i in batch])
            loss = model(**inputs, labels=targets[batch]).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            loss_sum += loss.item() * len(batch)
        log(f"epoch {epoch + 1:2d}: training loss {loss_sum / len(sentences):.4f}")
    model.eval()


@torch.no_grad()
def probabilities(model, tokenizer, sentences):
    """Softmax over the two logits, [P(negative), P(positive)] per sentence, one sentence at a time."""
    model.eval()
    rows = []
    for sentence in sentences:
        inputs = encode(tokenizer, [sentence])
        rows.append(torch.softmax(model(**inputs).logits, dim=-1)[0])
    return torch.stack(rows)


def accuracy(model, tokenizer, sentences, labels):
    predicted = probabilities(model, tokenizer, sentences).argmax(dim=-1)
    return (predicted == torch.tensor(labels)).double().mean().item()


def save(model, tokenizer, folder):
    """config.json, model.safetensors, tokenizer.json, tokenizer_config.json and vocab.txt."""
    os.makedirs(folder, exist_ok=True)
    model.save_pretrained(folder, safe_serialization=True)
    # Encoding left the last call's padding and truncation in the backend; a shipped tokenizer.json has none.
    tokenizer.backend_tokenizer.no_padding()
    tokenizer.backend_tokenizer.no_truncation()
    tokenizer.save_pretrained(folder)
    # vocab.txt (one piece per line, line number = id) is the classic BERT vocabulary file; this transformers
    # version no longer writes it, but loaders that only understand vocab.txt need it.
    vocab = tokenizer.get_vocab()
    pieces = sorted(vocab, key=vocab.get)
    if [vocab[piece] for piece in pieces] != list(range(len(pieces))):
        raise RuntimeError("expected the vocabulary ids to be 0..<size without gaps")
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(piece + "\n" for piece in pieces))


def check_reload(folder, expected, test_sentences, test_labels, test_accuracy):
    """The saved folder, loaded with the Auto classes, gives the same probabilities and accuracy, and a
    tokenizer built from vocab.txt alone gives the same ids as tokenizer.json."""
    model = AutoModelForSequenceClassification.from_pretrained(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    with open(os.path.join(folder, "vocab.txt"), encoding="utf-8") as f:
        from_vocab = BertTokenizerFast(vocab={piece: i for i, piece in enumerate(f.read().split("\n")[:-1])},
                                       do_lower_case=True, model_max_length=MAX_LENGTH)
    for sentence in EXAMPLES + test_sentences:
        if encode(tokenizer, [sentence])["input_ids"].tolist() != encode(from_vocab, [sentence])["input_ids"].tolist():
            raise RuntimeError(f"vocab.txt and tokenizer.json tokenize {sentence!r} differently")
    reloaded = probabilities(model, tokenizer, EXAMPLES)
    difference = (reloaded - expected).abs().max().item()
    if difference > 1e-6:
        raise RuntimeError(f"reloaded probabilities differ by {difference}, expected at most 1e-6")
    reloaded_accuracy = accuracy(model, tokenizer, test_sentences, test_labels)
    if reloaded_accuracy != test_accuracy:
        raise RuntimeError(f"reloaded test accuracy {reloaded_accuracy}, expected {test_accuracy}")
    print(f"reloaded with {type(model).__name__} and {type(tokenizer).__name__}: probabilities differ by at "
          f"most {difference:.1e}, test accuracy {reloaded_accuracy:.4f}")


def main(data_dir):
    began = time.time()
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    transformers_logging.disable_progress_bar()

    rows = read_rows(os.path.join(data_dir, "sentiment.tsv"))
    test_indices = read_test_indices(os.path.join(data_dir, "sentiment_test_indices.txt"), len(rows))
    test_set = set(test_indices)
    train_rows = [row for i, row in enumerate(rows) if i not in test_set]
    test_rows = [rows[i] for i in sorted(test_set)]
    train_sentences, train_labels = [s for s, _ in train_rows], [y for _, y in train_rows]
    test_sentences, test_labels = [s for s, _ in test_rows], [y for _, y in test_rows]
    shared = len(set(train_sentences) & set(test_sentences))
    print(f"{len(train_rows)} training rows, {len(test_rows)} test rows "
          f"({shared} test sentences also occur among the training rows)")

    tokenizer = train_tokenizer(train_sentences)
    print(f"WordPiece vocabulary: {len(tokenizer)} pieces")
    model = make_model(len(tokenizer))
    print(f"BertForSequenceClassification: {sum(p.numel() for p in model.parameters()):,} parameters")
    train(model, tokenizer, train_sentences, train_labels)

    test_accuracy = accuracy(model, tokenizer, test_sentences, test_labels)
    train_accuracy = accuracy(model, tokenizer, train_sentences, train_labels)
    print(f"training accuracy {train_accuracy:.4f}, test accuracy {test_accuracy:.4f} "
          f"({round(test_accuracy * len(test_rows))}/{len(test_rows)})")

    folder = os.path.join(data_dir, "pretrained", "sentiment-bert")
    save(model, tokenizer, folder)

    expected = probabilities(model, tokenizer, EXAMPLES)
    for sentence, (negative, positive) in zip(EXAMPLES, expected.tolist()):
        print(f"P(negative) {negative:.6f}  P(positive) {positive:.6f}  {sentence}")
    check_reload(folder, expected, test_sentences, test_labels, test_accuracy)

    size = sum(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder))
    print(f"wrote {folder}: {', '.join(sorted(os.listdir(folder)))} ({size:,} bytes)")
    print(f"took {time.time() - began:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 data/pretrained/make_sentiment_bert.py <data folder>")
    main(sys.argv[1])
