#!/usr/bin/env python3
"""The peer of xai-bench's anchors workload: alibi's AnchorTabular on the same breast-cancer MLP
(weights, test rows and training rows from the file xai-bench writes), threshold 0.95, the features
cut at the training rows' quartiles, alibi's defaults otherwise (beam 1, 100 samples per draw).

Usage:
  .build/release/xai-bench global --weights /tmp/global.safetensors
  python3 bench/anchors_peer.py /tmp/global.safetensors
alibi pins numpy below 2, so install it in its own environment, which still sees the system's torch:
  python3 -m venv --system-site-packages /tmp/alibienv && /tmp/alibienv/bin/pip install alibi safetensors
  /tmp/alibienv/bin/python bench/anchors_peer.py /tmp/global.safetensors
Prints 'anchors seconds=<s> ...': the seconds of the work alone (imports, loading and fitting the
discretiser excluded), as ../shared/bench/peer_workloads.py does.
"""
import sys, time
import numpy as np
import torch, torch.nn as nn
from safetensors.torch import load_file
from alibi.explainers import AnchorTabular

torch.set_num_threads(2)
FILE = sys.argv[1] if len(sys.argv) > 1 else "/tmp/global.safetensors"
t = load_file(FILE)
net = nn.Sequential(nn.Linear(30, 16), nn.ReLU(), nn.Linear(16, 2)).eval()
net.load_state_dict({k: v for k, v in t.items() if k[0].isdigit()})
X = t["x_test"].numpy()
train = t["x_train"].numpy()


def predict(a):
    with torch.no_grad():
        return net(torch.tensor(np.asarray(a), dtype=torch.float32)).argmax(1).numpy()


explainer = AnchorTabular(predict, [f"x{j}" for j in range(X.shape[1])], seed=0)
explainer.fit(train, disc_perc=(25, 50, 75))
n = min(10, len(X))
start = time.perf_counter()
found = [explainer.explain(X[i], threshold=0.95) for i in range(n)]
dt = time.perf_counter() - start
print(f"anchors seconds={dt:.4f}  ({n} rows, threshold 0.95; mean precision "
      f"{np.mean([e.precision for e in found]):.3f}, coverage {np.mean([e.coverage for e in found]):.3f}, "
      f"{np.mean([len(e.anchor) for e in found]):.1f} conditions)")
