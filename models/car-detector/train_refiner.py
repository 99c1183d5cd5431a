#!/usr/bin/python3
"""Train the car detector's second stage, a box refiner, and write a version that serves it (issue #27).

Usage (from the repository root):

    /usr/bin/python3 models/car-detector/train_refiner.py --detector 1.1.0 --version 1.2.0

Why: the detector finds the cars but its boxes are loose on frames it did not train on (mAP@0.5:0.95 0.525 on
validation against 0.79 on its training frames), and neither its loss, its schedule nor more frames tightened them.
A second network looks again at each box the detector keeps, on a crop of the letterboxed frame around it (the box
and 30 % of its size on each side, resampled to 64x64), and says where the car's edges are in that crop. It learns
from the training frames' cars under random misplacements of their boxes, a task with many more samples per car than
detection has. It also reads the crop mirrored and averages the two answers (inside the graph).

The crop (the serving side does exactly this, functions/serving/inference/box-refiner.ts): for a box
(x1, y1, x2, y2) in tensor pixels, w = x2 - x1, h = y2 - y1, the crop spans ex1 = x1 - C*w .. ex2 = x2 + C*w (and
likewise in y, C = context); output pixel u samples the frame at X = ex1 + (u + 0.5) * (ex2 - ex1) / S - 0.5,
bilinearly, the pad value outside the frame; values normalised as the detector's input. The network answers the
box as (x1, y1, x2, y2) in crop units (0 = the crop's left or top edge, 1 = its right or bottom edge).

Outputs <out-dir>/<version>/: the detector's model.onnx (copied), box-refiner.onnx, metadata.json (the detector
version's, with output.boxRefiner and its training record), and refiner-fixture.json, which the serving tests use
to check that the TypeScript crop and the graph give what this script computed.
"""

import argparse
import hashlib
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as T  # noqa: E402  (the detector's data, letterbox, decode and helpers)

SEED = 42
CODE_PATH = "models/car-detector/train_refiner.py"
SIDE = 64
CONTEXT = 0.3
# Each edge of a training box moves by a normal draw of this share of the box's size (a box still overlapping its
# car by IoU 0.4 or more): wider than the detector's validation errors (a median 2-3 px), so every error it makes
# is inside what the refiner saw.
JITTER = 0.1
MIN_IOU = 0.4
JITTERS_PER_BOX = 8
EPOCHS = 30
BATCH = 64
LR = 2e-3
WEIGHT_DECAY = 1e-4
SMOOTH_L1_BETA = 0.02
COCO_IOUS = np.arange(0.5, 0.951, 0.05)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--detector", default="1.1.0", help="the detector version whose boxes are refined")
    p.add_argument("--version", default="1.2.0")
    p.add_argument("--out-dir", default=T.SCRIPT_DIR, help="package root; files go to <out-dir>/<version>/")
    p.add_argument("--data-dir", default=os.path.join(T.REPO_ROOT, "..", "shared", "datasets", "car-object-detection"))
    p.add_argument("--epochs", type=int, default=EPOCHS)
    p.add_argument("--threads", type=int, default=2)
    return p.parse_args()


def crop(canvas, box, side=SIDE, context=CONTEXT):
    """The crop around `box` (tensor pixels) from an HxWx3 canvas: side x side x 3 float32, 0-255."""
    x1, y1, x2, y2 = (float(v) for v in box)
    w, h = x2 - x1, y2 - y1
    ex1, ey1 = x1 - context * w, y1 - context * h
    ew, eh = w * (1 + 2 * context), h * (1 + 2 * context)
    xs = ex1 + (np.arange(side) + 0.5) * ew / side - 0.5
    ys = ey1 + (np.arange(side) + 0.5) * eh / side - 0.5
    x0, y0 = np.floor(xs).astype(np.int64), np.floor(ys).astype(np.int64)
    fx, fy = (xs - x0).astype(np.float32), (ys - y0).astype(np.float32)
    height, width = canvas.shape[:2]

    def at(yy, xx):
        inside = (yy[:, None] >= 0) & (yy[:, None] < height) & (xx[None, :] >= 0) & (xx[None, :] < width)
        v = canvas[np.clip(yy, 0, height - 1)[:, None], np.clip(xx, 0, width - 1)[None, :]].astype(np.float32)
        return np.where(inside[..., None], v, np.float32(T.PAD_VALUE))

    top = at(y0, x0) * (1 - fx)[None, :, None] + at(y0, x0 + 1) * fx[None, :, None]
    bottom = at(y0 + 1, x0) * (1 - fx)[None, :, None] + at(y0 + 1, x0 + 1) * fx[None, :, None]
    return (top * (1 - fy)[:, None, None] + bottom * fy[:, None, None]).astype(np.float32)


def to_crop_units(target, box, context=CONTEXT):
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    ex1, ey1, ew, eh = x1 - context * w, y1 - context * h, w * (1 + 2 * context), h * (1 + 2 * context)
    return np.array([(target[0] - ex1) / ew, (target[1] - ey1) / eh, (target[2] - ex1) / ew, (target[3] - ey1) / eh],
                    np.float32)


def from_crop_units(units, box, context=CONTEXT):
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    ex1, ey1, ew, eh = x1 - context * w, y1 - context * h, w * (1 + 2 * context), h * (1 + 2 * context)
    return np.array([ex1 + units[0] * ew, ey1 + units[1] * eh, ex1 + units[2] * ew, ey1 + units[3] * eh])


def normalise(crops):
    """[K, S, S, 3] floats 0-255 -> the detector's normalisation, NCHW."""
    x = torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2)
    return ((x * T.SCALE - T.MEAN_T) / T.STD_T).contiguous()


def cbr(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


ARCHITECTURE = ("3x3 conv+BN+ReLU 3->24 (stride 2), 24->24, 24->48 (stride 2), 48->48, 48->64 (stride 2), 64->64, "
                "64->96 (stride 2), flatten 96x4x4, FC 128 + ReLU, FC 4")


class Refiner(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(cbr(3, 24, 2), cbr(24, 24), cbr(24, 48, 2), cbr(48, 48), cbr(48, 64, 2),
                                      cbr(64, 64), cbr(64, 96, 2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(96 * (SIDE // 16) ** 2, 128), nn.ReLU(inplace=True),
                                  nn.Linear(128, 4))

    def forward(self, x):
        return self.head(self.features(x))


class MirrorAveraged(nn.Module):
    """The refiner's answer averaged with its answer on the mirrored crop (mirrored back): what is exported."""

    def __init__(self, net):
        super().__init__()
        self.net = net
        self.register_buffer("reverse", torch.arange(SIDE - 1, -1, -1))
        self.register_buffer("swap", torch.tensor([2, 1, 0, 3]))
        self.register_buffer("sign", torch.tensor([-1.0, 1.0, -1.0, 1.0]))
        self.register_buffer("shift", torch.tensor([1.0, 0.0, 1.0, 0.0]))

    def forward(self, crops):
        mirrored = self.net(crops.index_select(3, self.reverse)).index_select(1, self.swap) * self.sign + self.shift
        return (self.net(crops) + mirrored) / 2


def jittered(box, rng):
    w, h = box[2] - box[0], box[3] - box[1]
    while True:
        moved = box + rng.normal(0, JITTER, 4) * np.array([w, h, w, h])
        if moved[2] - moved[0] > 4 and moved[3] - moved[1] > 4 and \
                T.iou_matrix(moved[None], box[None])[0, 0] >= MIN_IOU:
            return moved


def samples(frames, rng):
    """One epoch: JITTERS_PER_BOX misplaced copies of every car's box, half mirrored, with the car's box as target."""
    crops, targets = [], []
    for canvas, boxes in frames:
        for truth in boxes:
            for _ in range(JITTERS_PER_BOX):
                box = jittered(truth, rng)
                c = crop(canvas, box)
                # the car the crop is about: the one its box overlaps most (neighbouring cars)
                t = to_crop_units(boxes[int(np.argmax(T.iou_matrix(box[None], boxes)[0]))], box)
                if rng.random() < 0.5:
                    c, t = c[:, ::-1], np.array([1 - t[2], t[1], 1 - t[0], t[3]], np.float32)
                crops.append(np.ascontiguousarray(c))
                targets.append(t)
    return crops, targets


def detections(detector, canvases):
    """The detector's boxes in tensor pixels (before the letterbox is undone), score floor as in the AP protocol."""
    scores, dists = T.predict_raw(detector, canvases)
    out = []
    for s_, d_ in zip(scores, dists):
        sc = T.sigmoid_np(s_.reshape(T.GH, T.GW))
        ii, jj = np.nonzero(sc >= T.AP_SCORE_FLOOR)
        d = d_[:, ii, jj].astype(np.float64) * T.STRIDE
        cx, cy = (jj + 0.5) * T.STRIDE, (ii + 0.5) * T.STRIDE
        b = np.stack([cx - d[0], cy - d[1], cx + d[2], cy + d[3]], 1)
        keep = T.nms(b, sc[ii, jj], T.NMS_IOU, T.MAX_DETECTIONS)
        out.append((b[keep], sc[ii, jj][keep]))
    return out


@torch.no_grad()
def refined(model, canvases, dets):
    out = []
    for canvas, (boxes, scores) in zip(canvases, dets):
        if len(boxes) == 0:
            out.append((boxes, scores))
            continue
        units = model(normalise([crop(canvas, b) for b in boxes])).numpy()
        out.append((np.array([from_crop_units(u, b) for u, b in zip(units, boxes)]), scores))
    return out


def to_frame(dets, items):
    """Tensor pixels -> frame pixels, clamped (as the server's toSourcePixels)."""
    out = []
    for (boxes, scores), it in zip(dets, items):
        w, h = it["image"].size
        s, _, _, px, py = T.letterbox_geometry(w, h)
        b = (np.asarray(boxes, np.float64).reshape(-1, 4) - np.array([px, py, px, py])) / s
        b[:, [0, 2]] = np.clip(b[:, [0, 2]], 0, w)
        b[:, [1, 3]] = np.clip(b[:, [1, 3]], 0, h)
        out.append((b, scores))
    return out


def coco_ap(dets, truths):
    """pycocotools' protocol for one class (scripts/evaluation/coco-metrics.ts): AP per IoU 0.50..0.95, 101 points."""
    aps = []
    for thr in COCO_IOUS:
        ranked = sorted((-float(sc[k]), i, k) for i, (_, sc) in enumerate(dets) for k in range(len(sc)))
        matched = [np.zeros(len(g), bool) for g in truths]
        tp = []
        for _, i, k in ranked:
            hit = 0
            if len(truths[i]):
                ious = T.iou_matrix(dets[i][0][k:k + 1], truths[i])[0]
                ious[matched[i]] = -1
                j = int(np.argmax(ious))
                if ious[j] >= thr - 1e-9:
                    matched[i][j] = True
                    hit = 1
            tp.append(hit)
        ctp = np.cumsum(tp)
        precision = ctp / np.arange(1, len(tp) + 1)
        recall = ctp / sum(len(g) for g in truths)
        for q in range(len(precision) - 2, -1, -1):
            precision[q] = max(precision[q], precision[q + 1])
        at = np.searchsorted(recall, np.linspace(0, 1, 101), side="left")
        aps.append(float(np.mean([precision[q] if q < len(precision) else 0.0 for q in at])))
    return float(np.mean(aps)), aps


def train_refiner(frames, epochs, rng):
    net = Refiner()
    steps = epochs * math.ceil(sum(len(b) for _, b in frames) * JITTERS_PER_BOX / BATCH)
    opt = torch.optim.AdamW(net.parameters(), LR, weight_decay=WEIGHT_DECAY)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, LR, total_steps=steps)
    for epoch in range(1, epochs + 1):
        crops, targets = samples(frames, rng)
        order = rng.permutation(len(crops))
        net.train()
        total = 0.0
        for i in range(0, len(order), BATCH):
            idx = order[i:i + BATCH]
            y = torch.from_numpy(np.stack([targets[k] for k in idx]))
            loss = nn.functional.smooth_l1_loss(net(normalise([crops[k] for k in idx])), y, beta=SMOOTH_L1_BETA)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        print("epoch %2d/%d  loss %.5f" % (epoch, epochs, total / len(crops)), flush=True)
    return net.eval()


def synthetic_canvas():
    """A frame both sides can make without data: the parity fixture's."""
    y, x, c = np.meshgrid(np.arange(T.IN_H), np.arange(T.IN_W), np.arange(3), indexing="ij")
    return ((x * 7 + y * 13 + c * 29 + (x * y) % 17) % 256).astype(np.uint8)


def main():
    args = parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(SEED)
    t_start = time.time()
    T.set_input_size("%dx%d" % (T.IN_W, T.IN_H))
    items, data_sha = T.load_data(args.data_dir)
    train = [it for it in items if not T.is_validation(it["frame"]) and len(it["boxes"])]
    val = [it for it in items if T.is_validation(it["frame"])]
    frames = [T.plain(it)[:2] for it in train]
    print("refiner: %d training frames, %d cars; %d validation frames" % (
        len(frames), sum(len(b) for _, b in frames), len(val)), flush=True)

    source = os.path.join(T.SCRIPT_DIR, args.detector)
    with open(os.path.join(source, "metadata.json")) as f:
        meta = json.load(f)
    detector = T.CarNet(list(T.CH_DEFAULT), T.HC_DEFAULT)
    T.load_folded_onnx(detector, os.path.join(source, "model.onnx"))
    detector.eval()

    net = train_refiner(frames, args.epochs, rng)
    model = MirrorAveraged(net).eval()

    canvases = [T.plain(it)[0] for it in val]
    truths = [it["boxes"] for it in val]
    dets = detections(detector, canvases)
    before, aps_before = coco_ap(to_frame(dets, val), truths)
    final = to_frame(refined(model, canvases, dets), val)
    after, aps_after = coco_ap(final, truths)
    voc = T.evaluate_detections(final, truths)
    precision, recall = T.metrics_at(voc, meta["output"]["scoreThreshold"])
    print("validation mAP@0.5:0.95: detector %.4f -> refined %.4f" % (before, after))
    print("  AP by IoU before %s\n  AP by IoU after  %s" % ([round(a, 3) for a in aps_before],
                                                          [round(a, 3) for a in aps_after]), flush=True)

    out_dir = os.path.join(args.out_dir, args.version)
    os.makedirs(out_dir, exist_ok=True)
    shutil.copyfile(os.path.join(source, "model.onnx"), os.path.join(out_dir, "model.onnx"))
    path = os.path.join(out_dir, "box-refiner.onnx")
    torch.onnx.export(model, torch.zeros(2, 3, SIDE, SIDE), path, opset_version=13, input_names=["crops"],
                      output_names=["box"], dynamic_axes={"crops": {0: "n"}, "box": {0: "n"}},
                      do_constant_folding=True)
    with open(path, "rb") as f:
        refiner_bytes = f.read()

    canvas = synthetic_canvas()
    fixture_boxes = [[100.5, 80.25, 220.75, 150.5], [-12.0, 300.0, 60.0, 395.0], [600.0, 10.0, 690.0, 40.5]]
    with torch.no_grad():
        units = model(normalise([crop(canvas, b) for b in fixture_boxes])).numpy()
    fixture = {"canvas": "((x*7 + y*13 + c*29 + (x*y) %% 17) %% 256), HxWx3 uint8, %dx%d" % (T.IN_W, T.IN_H),
               "boxes": fixture_boxes,
               "refined": [[round(float(v), 4) for v in from_crop_units(u, b)] for u, b in zip(units, fixture_boxes)]}
    with open(os.path.join(out_dir, "refiner-fixture.json"), "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")

    commit, dirty = T.git_info(T.REPO_ROOT, CODE_PATH)
    meta["version"] = args.version
    meta["description"] = ("Single-class car detector for dashcam frames, small anchor-free CNN (%s's), each box "
                           "it keeps refined by a second network on a crop around it." % args.detector)
    meta["output"]["boxRefiner"] = {
        "file": "box-refiner.onnx",
        "sha256": hashlib.sha256(refiner_bytes).hexdigest(),
        "side": SIDE,
        "context": CONTEXT,
        "training": {
            "code": CODE_PATH,
            "codeCommit": commit,
            "codeDirty": dirty,
            "framework": T.torch_framework_string(),
            "seed": SEED,
            "detector": args.detector,
            "data": "the detector's training frames with cars (%d frames, %d boxes), its split" % (
                len(frames), sum(len(b) for _, b in frames)),
            "samples": ("every box moved %d times per epoch, each edge by a normal draw of %g of the box's size "
                        "(IoU with the box >= %g), half the crops mirrored" % (JITTERS_PER_BOX, JITTER, MIN_IOU)),
            "architecture": ARCHITECTURE + "; exported averaged with its answer on the mirrored crop",
            "parameterCount": sum(p.numel() for p in net.parameters()),
            "epochs": args.epochs,
            "optimizer": "AdamW, OneCycleLR to %g, weight decay %g, batch %d" % (LR, WEIGHT_DECAY, BATCH),
            "loss": "smooth L1 (beta %g) on the box's edges in crop units" % SMOOTH_L1_BETA,
            "validationMAP50to95": {"detectorAlone": round(before, 4), "refined": round(after, 4)},
            "durationSeconds": round(time.time() - t_start, 1),
            "trainedAt": T.utc_timestamp(),
        },
    }
    meta["metrics"]["validation"] = {
        **meta["metrics"]["validation"],
        "mAP50": round(voc["ap"], 4),
        "mAP50to95": round(after, 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "measuredBy": CODE_PATH + " (PyTorch, the server's decode and crop in numpy)",
    }
    meta.pop("governance", None)
    with open(os.path.join(out_dir, "metadata.json"), "w") as f:
        json.dump(meta, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote %s (box-refiner.onnx %d bytes, sha256 %s), %.0fs" % (
        out_dir, len(refiner_bytes), meta["output"]["boxRefiner"]["sha256"], time.time() - t_start))


if __name__ == "__main__":
    main()
