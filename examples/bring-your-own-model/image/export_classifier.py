#!/usr/bin/python3
"""Bring your own model, image example: a small PyTorch CNN exported with torch.onnx.export, for `vigie models import`.

Usage (from the repository root, or anywhere):

    /usr/bin/python3 examples/bring-your-own-model/image/export_classifier.py <outdir> [--pixels-0-255]

Data: scikit-learn's bundled handwritten digits (load_digits: 1,797 pictures of 8x8 cells valued 0-16), drawn as
32x32 RGB pictures of dark blue ink on cream paper, the kind of picture the model is then asked about. The ink is
coloured on purpose: a model fed BGR instead of RGB sees another colour.

The notebook's pipeline, which the metadata tells Vigie to repeat (input.fit `letterbox`, 32x32, 3 channels):
pixel (uint8 RGB) * 1/255, then (x - mean) / std per channel with ImageNet's mean and std, NCHW float32.

--pixels-0-255 makes the classic notebook mistake: the network is trained on the pixels without the 1/255 (so on
0-255 values), while the metadata still says scale 1/255. The notebook itself is consistent with its own model,
so its accuracy looks fine and its samples are written by its own 0-255 pipeline; Vigie, which feeds the model
what the metadata says, gets other answers, and the import refuses the model on its samples.

Writes:
    <outdir>/model.onnx
    <outdir>/metadata.json          the import metadata (no name or version: `vigie models import` gives them)
    <outdir>/samples/samples.json   8 held-out digits with the PyTorch model's probabilities as the expected answer
    <outdir>/samples/<n>-<digit>.png  those digits as 32x32 PNGs (Vigie's resize is then the identity)

Needs Debian's python3-torch, python3-onnx, python3-pil, python3-sklearn and python3-numpy. Deterministic on one
machine (seeded, deterministic kernels, one thread); a few seconds of CPU.
"""

import argparse
import datetime
import hashlib
import json
import os
import subprocess
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 42
SIZE = 32
HELD_OUT_FRACTION = 0.25
EPOCHS = 5
BATCH = 32
LR = 1e-3
OPSET = 13
SAMPLES = 8
PAPER = np.array([245, 240, 225], dtype=np.float32)
INK = np.array([30, 40, 120], dtype=np.float32)
# The pipeline's normalisation (ImageNet's, as torchvision's transforms.Normalize is usually given).
SCALE = 1 / 255
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
LABELS = [str(d) for d in range(10)]
SCRIPT = os.path.abspath(__file__)
CODE_PATH = "examples/bring-your-own-model/image/export_classifier.py"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("outdir")
    p.add_argument("--pixels-0-255", dest="pixels_0_255", action="store_true",
                   help="train on 0-255 pixels while the metadata says 1/255 (the mistake the import catches)")
    return p.parse_args()


def render(cells):
    """8x8 cells (0-16) -> 32x32 RGB uint8: the ink's share per pixel, bilinear-upscaled, laid on cream paper."""
    ink = Image.fromarray((cells * (255 / 16)).astype(np.uint8), mode="L").resize((SIZE, SIZE), Image.BILINEAR)
    share = np.asarray(ink, dtype=np.float32)[:, :, None] / 255
    return np.rint(PAPER * (1 - share) + INK * share).astype(np.uint8)


def to_tensor(pictures, pixels_0_255):
    """The notebook's pipeline: uint8 NHWC RGB -> normalised NCHW float32 (without the 1/255 with --pixels-0-255)."""
    x = torch.from_numpy(pictures).float().permute(0, 3, 1, 2)
    if not pixels_0_255:
        x = x * SCALE
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return (x - mean) / std


class DigitNet(nn.Module):
    ARCH = "conv3x3 16 ReLU maxpool2 | conv3x3 32 ReLU maxpool2 | flatten | fc10 logits"

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Linear(32 * (SIZE // 4) ** 2, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def data_sha256():
    """SHA-256 of the file load_digits reads (it ships inside python3-sklearn)."""
    import importlib.resources
    path = importlib.resources.files("sklearn.datasets.data") / "digits.csv.gz"
    return hashlib.sha256(path.read_bytes()).hexdigest(), "sklearn.datasets.data/digits.csv.gz"


def debian_version(package, fallback):
    try:
        v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True).stdout
        if v.strip():
            return "%s (Debian %s)" % (v.strip().split("+")[0].split("-")[0], package)
    except OSError:
        pass
    return fallback


def git_provenance():
    """(commit, dirty) of this script when it is in a git work tree; (None, True) otherwise (a notebook)."""
    def git(*args):
        return subprocess.run(["git", "-C", os.path.dirname(SCRIPT), *args], capture_output=True, text=True)
    try:
        head = git("rev-parse", "--verify", "HEAD")
    except OSError:
        return None, True
    if head.returncode != 0:
        return None, True
    dirty = git("status", "--porcelain", "--", SCRIPT)
    return head.stdout.strip(), bool(dirty.stdout.strip()) or dirty.returncode != 0


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
    pred = logits.argmax(1).numpy()
    counts = [[int(((y == t) & (pred == p)).sum()) for p in range(10)] for t in range(10)]
    recall = {LABELS[c]: round(counts[c][c] / max(1, sum(counts[c])), 4) for c in range(10)}
    return logits, {"accuracy": round(float((pred == y).mean()), 4), "samples": int(len(y)), "recall": recall,
                    "confusionMatrix": {"labels": LABELS, "rowsAreTrue": True, "counts": counts}}


def main():
    args = parse_args()
    started = time.time()
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    digits = load_digits()
    sha, data_file = data_sha256()
    pictures = np.stack([render(cells) for cells in digits.images])
    y = digits.target.astype(np.int64)
    idx = np.arange(len(y))
    idx_tr, idx_ho = train_test_split(idx, test_size=HELD_OUT_FRACTION, stratify=y, random_state=SEED)
    x_tr, x_ho = to_tensor(pictures[idx_tr], args.pixels_0_255), to_tensor(pictures[idx_ho], args.pixels_0_255)
    y_tr, y_ho = y[idx_tr], y[idx_ho]
    print("data: %d digits (%s, sha256 %s); train %d, held-out %d; pixels %s" % (
        len(y), data_file, sha, len(y_tr), len(y_ho), "0-255 (no 1/255)" if args.pixels_0_255 else "x 1/255"))

    model = DigitNet()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)
    yt = torch.from_numpy(y_tr)
    t_train = time.time()
    for epoch in range(1, EPOCHS + 1):
        model.train()
        order = torch.randperm(len(yt), generator=gen)
        total = 0.0
        for start in range(0, len(order), BATCH):
            batch = order[start:start + BATCH]
            loss = loss_fn(model(x_tr[batch]), yt[batch])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += float(loss) * len(batch)
        print("epoch %d  loss %.4f" % (epoch, total / len(yt)))
    train_seconds = time.time() - t_train

    ho_logits, held_out = evaluate(model, x_ho, y_ho)
    _, train_metrics = evaluate(model, x_tr, y_tr)
    print("held-out accuracy %.4f (%d digits); train accuracy %.4f; training %.1fs" % (
        held_out["accuracy"], held_out["samples"], train_metrics["accuracy"], train_seconds))

    os.makedirs(os.path.join(args.outdir, "samples"), exist_ok=True)
    onnx_path = os.path.join(args.outdir, "model.onnx")
    torch.onnx.export(model, torch.zeros(1, 3, SIZE, SIZE), onnx_path, opset_version=OPSET,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(onnx_path), full_check=True)
    with open(onnx_path, "rb") as f:
        onnx_bytes = f.read()
    try:
        import onnxruntime
        session = onnxruntime.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
        diff = float(np.abs(session.run(None, {"image": x_ho[:64].numpy()})[0] - ho_logits[:64].numpy()).max())
        print("onnxruntime vs torch: max |logit diff| %.2e" % diff)
    except ImportError:
        print("onnxruntime is not installed here: Vigie's import checks the graph with the samples instead")

    # Samples: the first held-out digit of each of 8 classes, as the PNG files Vigie will read, answered by the
    # notebook's own pipeline on those very pixels.
    samples = []
    probabilities = torch.softmax(ho_logits, dim=1).numpy()
    seen = set()
    for k, i in enumerate(idx_ho):
        digit = int(y[i])
        if digit in seen or len(samples) == SAMPLES:
            continue
        seen.add(digit)
        name = "%04d-%d.png" % (i, digit)
        Image.fromarray(pictures[i], mode="RGB").save(os.path.join(args.outdir, "samples", name))
        proba = probabilities[k]
        samples.append({"file": name, "expected": {
            "label": LABELS[int(proba.argmax())],
            "probabilities": {label: round(float(p), 6) for label, p in zip(LABELS, proba)}}})
    with open(os.path.join(args.outdir, "samples", "samples.json"), "w") as f:
        f.write(json.dumps({"tolerance": 0.01, "samples": samples}, indent=2) + "\n")

    commit, dirty = git_provenance()
    metadata = {
        # No "name" nor "version": the import takes them from the command line (--name, --version).
        "task": "image-classification",
        "description": "Handwritten digit (0-9) in a small picture of ink on paper: a 3-layer CNN trained on "
                       "scikit-learn's digits drawn as 32x32 RGB pictures.",
        "artifact": {"file": "model.onnx", "sha256": hashlib.sha256(onnx_bytes).hexdigest(), "bytes": len(onnx_bytes)},
        "input": {
            "kind": "image",
            "tensorName": "image",
            "layout": "NCHW",
            "dtype": "float32",
            "channels": 3,
            "height": SIZE,
            "width": SIZE,
            "fit": "letterbox",
            "padValue": 240,
            # What the metadata claims, also with --pixels-0-255: that is the mistake.
            "normalisation": {"scale": SCALE, "mean": MEAN, "std": STD},
        },
        "output": {"kind": "classification", "tensorName": "logits", "activation": "softmax", "labels": LABELS},
        "training": {
            "code": CODE_PATH,
            "codeCommit": commit,
            "codeDirty": dirty,
            "framework": "PyTorch %s" % debian_version("python3-torch", torch.__version__),
            "seed": SEED,
            "data": {
                "source": "scikit-learn load_digits(): %s (1,797 digits of 8x8 cells, 0-16), drawn as 32x32 RGB "
                          "dark-blue ink on cream paper (bilinear upscale)" % data_file,
                "license": "UCI Optical Recognition of Handwritten Digits: CC BY 4.0; shipped by scikit-learn "
                           "(BSD-3-Clause)",
                "sha256": sha,
                "split": {"method": "sklearn.model_selection.train_test_split", "testSize": HELD_OUT_FRACTION,
                          "stratify": "digit", "randomState": SEED, "trainCount": int(len(y_tr)),
                          "heldOutCount": int(len(y_ho))},
            },
            "parameters": {
                "architecture": DigitNet.ARCH,
                "epochs": EPOCHS,
                "batchSize": BATCH,
                "optimizer": "Adam",
                "learningRate": LR,
                "trainingPixels": "0-255 (no 1/255)" if args.pixels_0_255 else "x 1/255",
                "opset": OPSET,
                "threads": 1,
            },
            "durationSeconds": round(time.time() - started, 2),
            "trainedAt": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
                                         .isoformat().replace("+00:00", "Z"),
        },
        "metrics": {
            "heldOut": {"measuredBy": CODE_PATH, **held_out},
            "train": {"measuredBy": CODE_PATH, "accuracy": train_metrics["accuracy"],
                      "samples": train_metrics["samples"]},
        },
        "governance": {
            # No "approval": an imported version is always pending until a person approves it in Vigie.
            "owner": {"name": "Example data-science team", "contact": "data-science@example.com"},
            "intendedUse": {
                "primaryUses": ["Showing how a PyTorch image classifier is brought to Vigie: exported to ONNX, "
                                "imported, validated against its samples, approved and served"],
                "primaryUsers": ["Data scientists learning to import their own model into Vigie"],
                "outOfScope": ["Real handwriting photographed or scanned: the model only saw 8x8 cells drawn "
                               "in one ink on one paper", "Several digits in one picture",
                               "Any decision about a person"],
            },
            "personalData": {"processesPersonalData": False, "categories": [], "dpiaReference": None},
            "evaluationData": {
                "heldOut": "%d digits of load_digits never used in training: train_test_split(test_size=%s, "
                           "stratified by digit, random_state=%d), drawn as the training digits are"
                           % (len(y_ho), HELD_OUT_FRACTION, SEED),
                "train": "the %d training digits themselves (a fit check)" % len(y_tr),
            },
            "factors": [
                "Ink and paper colour: every training picture has the same dark blue ink on cream paper",
                "Resolution: the digits were 8x8 cells of 0-16, upscaled; finer detail was never seen",
                "Writers: 43 people (UCI), 30 of them for the training part of the original collection",
            ],
            "limitations": [
                "Trained for %d epochs in seconds on a CPU: an example, not a production digit reader" % EPOCHS,
                "A picture of anything gets a digit; there is no 'not a digit' answer",
            ],
            "ethicalConsiderations": [{
                "risk": "A confident digit read from a picture unlike the training ones (another ink, a photo)",
                "mitigation": "Answers carry the probabilities; the intended use is a demonstration only",
            }],
            "licence": {
                "model": "Example model, CC0 1.0 (no rights reserved)",
                "data": "UCI Optical Recognition of Handwritten Digits (CC BY 4.0), as shipped by scikit-learn "
                        "(BSD-3-Clause)",
            },
        },
    }
    with open(os.path.join(args.outdir, "metadata.json"), "w") as f:
        f.write(json.dumps(metadata, indent=2) + "\n")
    print("wrote %s/model.onnx (%d bytes), metadata.json, samples/ (%d digits); total %.1fs" % (
        args.outdir, len(onnx_bytes), len(samples), time.time() - started))


if __name__ == "__main__":
    sys.exit(main())
