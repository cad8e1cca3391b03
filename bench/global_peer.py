#!/usr/bin/env python3
"""Peers of xai-bench's global workloads: shap's summaries, sklearn's permutation_importance and
partial_dependence, on the same breast-cancer MLP, the same test rows and the same background.

Usage:
  .build/release/xai-bench global --weights /tmp/global.safetensors     (trains the MLP, writes the file, times xai)
  python3 bench/global_peer.py WORKLOAD /tmp/global.safetensors [SAMPLES]
WORKLOAD: shap_summary | permutation_importance | partial_dependence | global (all three).
Prints 'WORKLOAD seconds=<s> ...' with the seconds of the work alone (imports and loading excluded),
as ../shared/bench/peer_workloads.py does. SAMPLES: KernelSHAP coalitions (default 500, as xai-bench).
"""
import sys, time
import numpy as np
import torch, torch.nn as nn
from safetensors.torch import load_file

torch.set_num_threads(2)
W = sys.argv[1]
FILE = sys.argv[2] if len(sys.argv) > 2 else "/tmp/global.safetensors"
SAMPLES = int(sys.argv[3]) if len(sys.argv) > 3 else 500
PERMUTATIONS = 10

t = load_file(FILE)
net = nn.Sequential(nn.Linear(30, 16), nn.ReLU(), nn.Linear(16, 2)).eval()
net.load_state_dict({k: v for k, v in t.items() if k[0].isdigit()})
X = t["x_test"].numpy().astype(np.float64)
y = t["y_test"].numpy().astype(np.int64)
B = t["background"].numpy().astype(np.float64)


def logit1(a):
    """The class-1 logit, as xai explains it (output: logit, target 1)."""
    with torch.no_grad():
        return net(torch.tensor(np.asarray(a), dtype=torch.float32))[:, 1].numpy().astype(np.float64)


def timed(name, fn):
    start = time.perf_counter()
    extra = fn()
    dt = time.perf_counter() - start
    print(f"{name} seconds={dt:.4f}" + (f" {extra}" if extra else ""))


def shap_summary():
    import shap
    ke = shap.KernelExplainer(logit1, B)

    def kernel():
        v = ke.shap_values(X, nsamples=SAMPLES, silent=True)
        return f"rows={len(X)} samples={SAMPLES} background={len(B)} top={int(np.abs(v).mean(0).argmax())}"
    timed("shap_summary_kernel", kernel)
    masker = shap.maskers.Independent(B, max_samples=len(B))
    pe = shap.PermutationExplainer(logit1, masker, seed=0)

    def permutation():
        v = pe(X, max_evals=PERMUTATIONS * (2 * X.shape[1] + 1), silent=True).values
        return f"rows={len(X)} permutations={PERMUTATIONS} top={int(np.abs(v).mean(0).argmax())}"
    timed("shap_summary_permutation", permutation)


def wrapped():
    from sklearn.base import BaseEstimator, ClassifierMixin

    class TorchMLP(ClassifierMixin, BaseEstimator):
        """The torch MLP as a fitted sklearn classifier (predict_proba = softmax of its logits)."""
        def fit(self, X, y):
            return self

        def __sklearn_is_fitted__(self):
            return True

        def predict_proba(self, a):
            with torch.no_grad():
                return torch.softmax(net(torch.tensor(np.asarray(a), dtype=torch.float32)), 1).numpy()

        def predict(self, a):
            return self.predict_proba(a).argmax(1)

    m = TorchMLP()
    m.classes_ = np.array([0, 1])
    return m


def permutation_importance():
    from sklearn.inspection import permutation_importance as pi
    m = wrapped()

    def run():
        r = pi(m, X, y, n_repeats=5, scoring="accuracy", random_state=0)
        return f"rows={len(X)} top={int(r.importances_mean.argmax())} max={r.importances_mean.max():.4f}"
    timed("permutation_importance", run)


def partial_dependence():
    from sklearn.inspection import partial_dependence as pd
    m = wrapped()

    def run():
        spread = 0.0
        for j in range(X.shape[1]):
            r = pd(m, X, [j], grid_resolution=20, kind="both")
            spread = max(spread, float(np.ptp(r["average"])))
        return f"rows={len(X)} features=30 grid=20 largest_range={spread:.4f}"
    timed("partial_dependence", run)


if W in ("shap_summary", "global"):
    shap_summary()
if W in ("permutation_importance", "global"):
    permutation_importance()
if W in ("partial_dependence", "global"):
    partial_dependence()
if W not in ("shap_summary", "permutation_importance", "partial_dependence", "global"):
    sys.exit(f"unknown workload {W}")
