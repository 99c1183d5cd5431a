#!/usr/bin/python3
"""Train the Vigie industrial sensor anomaly detector (SKAB water-circulation testbed) and write its package.

Usage (from the repository root):

    nice -n 10 /usr/bin/python3 models/sensor-anomaly/train.py [--version 1.0.0] [--data-dir DIR]

Data: SKAB v0.9 CSVs in ../shared/datasets/skab (read there, never copied; see its SOURCE.md). Six experiment
files are withheld from that copy for an independent check; this script neither needs nor looks for them.

Split by file (never by row): VALIDATION_FILES below are scored only for the final metrics. Every other labelled
file, plus anomaly-free/anomaly-free.csv (all rows normal), is training data. Files that share rows stay on the
same side: other/2-3-4, other/10-11, other/12-13 and other/5 with anomaly-free are all training files.

Input per row, as served (metadata `input.window` and `input.calibration`): each of the 8 sensor columns is
standardised with the mean and std of the first CALIBRATION_ROWS rows of its own file (std floor 1e-6), and the
model sees the WINDOW rows ending at the row it scores (the file's first row repeated before the start).
Output: `score` [N,1], the probability that the window's last row is anomalous; `anomaly = score >= threshold`.

Outputs models/sensor-anomaly/<version>/model.onnx and metadata.json.
"""

import argparse
import csv
import hashlib
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

SEED = 42
SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(SCRIPT_DIR))
CODE_PATH = "models/sensor-anomaly/train.py"
DEFAULT_DATA_DIR = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "datasets", "skab"))

sys.path.insert(0, os.path.join(REPO_ROOT, "models", "common"))
from onnx_package import (  # noqa: E402
    export_onnx, run_onnx_numpy, seed_everything, training_provenance, utc_timestamp, write_metadata,
)

FEATURES = [  # (column, unit): the tensor's last axis, in this order
    ("Accelerometer1RMS", "g"),
    ("Accelerometer2RMS", "g"),
    ("Current", "A"),
    ("Pressure", "bar"),
    ("Temperature", "°C"),
    ("Thermocouple", "°C"),
    ("Voltage", "V"),
    ("Volume Flow RateRMS", "L/min"),
]
TIME_COLUMN = "datetime"
LABEL_COLUMN = "anomaly"
CALIBRATION_ROWS = 400
STD_FLOOR = 1e-6
# Chosen before any training run, one file per experiment family that has several, about a fifth of the files.
VALIDATION_FILES = ["valve1/1.csv", "valve1/5.csv", "valve1/9.csv", "valve2/1.csv", "other/1.csv", "other/7.csv"]
NORMAL_FILE = "anomaly-free/anomaly-free.csv"
WITHHELD = ["valve1/13.csv", "valve1/14.csv", "valve1/15.csv", "valve2/3.csv", "other/9.csv", "other/14.csv"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--out-dir", default=SCRIPT_DIR, help="package root; files go to <out-dir>/<version>/")
    p.add_argument("--window", type=int, default=32)
    p.add_argument("--clip", type=float, default=20.0, help="standardised values are clipped to +-clip in the graph")
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=1e-3)
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--threshold", type=float, default=0.5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--opset", type=int, default=13)
    return p.parse_args()


# --------------------------------------------------------------------------- data

def read_file(data_dir, rel, hasher):
    """Returns (values [T,8] float64, labels [T] or None) in file order."""
    with open(os.path.join(data_dir, rel), "rb") as f:
        raw = f.read()
    hasher.update(rel.encode() + b"\0" + raw)
    rows = list(csv.reader(raw.decode("utf-8").splitlines(), delimiter=";"))
    header, body = rows[0], [r for r in rows[1:] if r]
    cols = [header.index(name) for name, _ in FEATURES]
    values = np.array([[float(r[c]) for c in cols] for r in body], dtype=np.float64)
    labels = None
    if LABEL_COLUMN in header:
        li = header.index(LABEL_COLUMN)
        labels = np.array([float(r[li]) for r in body], dtype=np.float32)
    return values, labels


def labelled_files(data_dir):
    found = []
    for folder in ("valve1", "valve2", "other"):
        names = sorted(os.listdir(os.path.join(data_dir, folder)), key=lambda n: int(n.split(".")[0]))
        found += ["%s/%s" % (folder, n) for n in names if n.endswith(".csv")]
    return found


def calibrate(values):
    """The serving path's calibration: standardise by the first CALIBRATION_ROWS rows of the same file."""
    head = values[:CALIBRATION_ROWS]
    mean = head.mean(axis=0)
    std = np.maximum(head.std(axis=0), STD_FLOOR)
    return ((values - mean) / std).astype(np.float32)


def windows(x, rows):
    """[T,8] -> [T,rows,8]: window i ends at row i; rows before the first repeat the first row."""
    padded = np.concatenate([np.repeat(x[:1], rows - 1, axis=0), x])
    idx = np.arange(len(x))[:, None] + np.arange(rows)[None, :]
    return padded[idx]


# --------------------------------------------------------------------------- model

class WindowScorer(nn.Module):
    """Clip (bounded input whatever the calibration std) -> flatten -> MLP -> sigmoid score per window."""

    def __init__(self, rows, clip, hidden, dropout):
        super().__init__()
        self.clip = clip
        self.net = nn.Sequential(
            nn.Flatten(1), nn.Linear(rows * len(FEATURES), hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, 1),
        )
        self.arch = "clip(+-%g) | flatten %dx%d | fc%d-relu-drop%g | fc%d-relu-drop%g | fc1 | sigmoid" % (
            clip, rows, len(FEATURES), hidden, dropout, hidden, dropout)

    def logits(self, x):
        return self.net(torch.clamp(x, -self.clip, self.clip))

    def forward(self, x):
        return torch.sigmoid(self.logits(x))


@torch.no_grad()
def score(model, x, batch=4096):
    model.eval()
    return torch.cat([model(x[i:i + batch]) for i in range(0, len(x), batch)]).numpy()[:, 0]


# --------------------------------------------------------------------------- SKAB metrics

def skab_metrics(labels, predicted):
    """Point-wise F1, false-alarm rate (FP / normal rows) and missed-alarm rate (FN / anomalous rows), as SKAB."""
    y = labels.astype(bool)
    p = predicted.astype(bool)
    tp, fp, fn = int((p & y).sum()), int((p & ~y).sum()), int((~p & y).sum())
    tn = int((~p & ~y).sum())
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return {"f1": round(f1, 4), "far": round(fp / max(fp + tn, 1), 4), "mar": round(fn / max(fn + tp, 1), 4),
            "rows": len(y), "anomalousRows": int(y.sum())}


# --------------------------------------------------------------------------- main

def main():
    args = parse_args()
    seed_everything(SEED, args.threads)
    t_start = time.time()

    hasher = hashlib.sha256()
    files = labelled_files(args.data_dir)
    if any(w in files for w in WITHHELD):
        raise SystemExit("a withheld SKAB file is present in %s: this copy is not the one SOURCE.md describes"
                         % args.data_dir)
    missing = [v for v in VALIDATION_FILES if v not in files]
    if missing:
        raise SystemExit("validation files missing: %s" % missing)
    train_files = [f for f in files if f not in VALIDATION_FILES]
    data = {rel: read_file(args.data_dir, rel, hasher) for rel in files + [NORMAL_FILE]}
    data_sha = hasher.hexdigest()

    def stack(names):
        xs, ys = [], []
        for rel in names:
            values, labels = data[rel]
            xs.append(windows(calibrate(values), args.window))
            ys.append(labels if labels is not None else np.zeros(len(values), dtype=np.float32))
        return torch.from_numpy(np.concatenate(xs)), torch.from_numpy(np.concatenate(ys))

    x_tr, y_tr = stack(train_files + [NORMAL_FILE])
    x_va, y_va = stack(VALIDATION_FILES)
    print("data: %d labelled files + anomaly-free, sha256 %s" % (len(files), data_sha))
    print("split: train %d files (%d windows, %.1f%% anomalous), validation %d files (%d windows)" % (
        len(train_files) + 1, len(y_tr), 100 * float(y_tr.mean()), len(VALIDATION_FILES), len(y_va)))

    model = WindowScorer(args.window, args.clip, args.hidden, args.dropout)
    n_params = sum(p.numel() for p in model.parameters())
    print("model: %s, %d parameters" % (model.arch, n_params))
    gen = torch.Generator().manual_seed(SEED)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    steps = (len(y_tr) + args.batch_size - 1) // args.batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps,
                                                pct_start=0.2)
    crit = nn.BCEWithLogitsLoss()

    t_train = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        perm = torch.randperm(len(y_tr), generator=gen)
        total = 0.0
        for i in range(0, len(perm), args.batch_size):
            idx = perm[i:i + args.batch_size]
            loss = crit(model.logits(x_tr[idx])[:, 0], y_tr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        if epoch % 5 == 0 or epoch == args.epochs:
            tr = skab_metrics(y_tr.numpy(), score(model, x_tr) >= args.threshold)
            print("epoch %2d/%d  loss %.4f  train F1 %.4f" % (epoch, args.epochs, total / len(y_tr), tr["f1"]),
                  flush=True)
    train_seconds = time.time() - t_train

    # ---- validation files: first and only use of them (no checkpoint or threshold selection on them)
    va_scores = score(model, x_va)
    overall = skab_metrics(y_va.numpy(), va_scores >= args.threshold)
    per_file, start = {}, 0
    for rel in VALIDATION_FILES:
        n = len(data[rel][0])
        per_file[rel] = skab_metrics(y_va.numpy()[start:start + n], va_scores[start:start + n] >= args.threshold)
        start += n
    print("validation: %s" % overall)
    for rel, m in per_file.items():
        print("  %-14s F1 %.4f  FAR %.4f  MAR %.4f" % (rel, m["f1"], m["far"], m["mar"]))

    # ---- ONNX export, checked against torch by the numpy evaluator on every validation window
    out_dir = os.path.join(args.out_dir, args.version)
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    model.eval()
    onnx_bytes, proto = export_onnx(model, torch.zeros(1, args.window, len(FEATURES)), onnx_path, args.opset,
                                    ["features"], ["score"])
    onnx_scores = np.concatenate([run_onnx_numpy(proto, {"features": x_va[i:i + 2048].numpy()})[0][:, 0]
                                  for i in range(0, len(x_va), 2048)])
    max_diff = float(np.abs(onnx_scores - va_scores).max())
    print("onnx (numpy evaluator) vs torch: max |score diff| %.2e" % max_diff)
    if max_diff > 1e-4:
        raise SystemExit("ONNX output does not match the torch model")

    ranges = np.concatenate([data[rel][0] for rel in train_files + [NORMAL_FILE]])
    onnx_sha = hashlib.sha256(onnx_bytes).hexdigest()
    duration = time.time() - t_start
    meta = {
        "name": "sensor-anomaly",
        "version": args.version,
        "task": "time-series-anomaly-detection",
        "description": "Anomaly detector for the 8 sensors of an industrial water-circulation pump (SKAB testbed): "
                       "one anomaly score per row, from the %d rows ending at it." % args.window,
        "artifact": {"file": "model.onnx", "sha256": onnx_sha, "bytes": len(onnx_bytes)},
        "input": {
            "kind": "tabular",
            "tensorName": "features",
            "dtype": "float32",
            "features": [
                {"name": name, "type": "number", "unit": unit, "required": True,
                 "range": {"min": float(ranges[:, i].min()), "max": float(ranges[:, i].max())}}
                for i, (name, unit) in enumerate(FEATURES)
            ],
            "window": {"rows": args.window, "step": 1, "timeColumn": TIME_COLUMN, "samplingSeconds": 1},
            "calibration": {"rows": CALIBRATION_ROWS, "method": "standardise"},
        },
        "output": {"kind": "anomaly", "tensorName": "score", "threshold": args.threshold},
        "training": {
            **training_provenance(REPO_ROOT, CODE_PATH, SEED),
            "data": {
                "source": "SKAB v0.9 (github.com/waico/SKAB @ b2c0d46c), CSVs in ../shared/datasets/skab "
                          "(28 labelled experiment files of 34 + anomaly-free.csv; 6 withheld for an independent check)",
                "license": "GPL-3.0 (the SKAB repository's licence; no separate data licence)",
                "sha256": data_sha,
                "split": {
                    "method": "by-file",
                    "validationFiles": VALIDATION_FILES,
                    "trainingFiles": train_files + [NORMAL_FILE],
                    "withheldFiles": WITHHELD,
                    "trainingRows": len(y_tr),
                    "validationRows": len(y_va),
                },
            },
            "parameters": {
                "objective": "supervised: binary cross-entropy on the rows' `anomaly` labels of the training files",
                "epochs": args.epochs,
                "batchSize": args.batch_size,
                "optimizer": "AdamW",
                "learningRate": args.lr,
                "schedule": "OneCycleLR (cosine, pct_start 0.2), stepped per batch",
                "weightDecay": args.weight_decay,
                "dropout": args.dropout,
                "threshold": args.threshold,
                "thresholdSelection": "fixed at 0.5 before training (no tuning on validation files)",
                "checkpointSelection": "none (last epoch)",
                "architecture": model.arch,
                "parameterCount": n_params,
                "onnxOpset": args.opset,
                "threads": args.threads,
            },
            "durationSeconds": round(duration, 1),
            "trainedAt": utc_timestamp(),
        },
        "metrics": {
            "validation": {
                **overall,
                "perFile": per_file,
                "protocol": "SKAB point-wise: F1, FAR = FP/(FP+TN), MAR = FN/(FN+TP) on the `anomaly` column, "
                            "rows of all validation files pooled",
                "measuredBy": "models/sensor-anomaly/train.py (PyTorch, calibrated windows built in numpy)",
            }
        },
    }
    write_metadata(out_dir, meta, onnx_path, onnx_bytes, onnx_sha, REPO_ROOT, train_seconds, duration)


if __name__ == "__main__":
    main()
