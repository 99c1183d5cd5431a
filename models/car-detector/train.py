#!/usr/bin/python3
"""Train the Vigie single-class car detector and write its versioned package.

Usage (from the repository root):

    /usr/bin/python3 models/car-detector/train.py [--version 1.0.0] [--data-dir DIR] [--epochs N]

Training on a GPU machine, exporting here (PyTorch 2.x's exporter differs from the 1.13 one the package was
verified with): there, `python3 models/car-detector/train.py --device cuda --workers 2 --no-write
--checkpoint CK ...` (models/car-detector/gpu_sweep.sh runs several variants); here, with CK.npz and CK.json,
`/usr/bin/python3 models/car-detector/train.py --from-checkpoint CK --version X.Y.Z` evaluates, exports, verifies
and writes the package; the metadata takes the training record (commit, framework, parameters) from CK.json.

Data: ../shared/datasets/car-object-detection (relative to the repository root):
training_images/vid_4_<frame>.jpg (676x380 dashcam frames) and
train_solution_bounding_boxes.csv (header image,xmin,ymin,xmax,ymax; absolute pixel
floats; images without a row are negatives). dataSha256 = SHA-256 over the CSV bytes
followed by the bytes of every file in training_images/ (sorted by file name).

Split (fixed, no randomness): an image whose frame number <frame> lies in one of
VALIDATION_RANGES (inclusive [first, last]) is a validation image, every other image
trains. Neighbouring frames are near-duplicates, so the split is by contiguous ranges.
No early stopping and no checkpoint selection: the EMA weights after the last epoch are
exported. The validation frames are used for progress reports, for the final metrics
and to choose the score threshold (F1-maximising) written to metadata.json.

Model: small anchor-free (FCOS-like) detector, one output level at stride 8.
Outputs `scores` [N,1,H/8,W/8] (logits) and `boxes` [N,4,H/8,W/8] (distances
left, top, right, bottom from the cell centre in units of the stride, exp() inside
the graph). Decoding (the server's, replicated here in numpy): cell (i, j) has centre
((j+0.5)*8, (i+0.5)*8); box = (cx-l*8, cy-t*8, cx+r*8, cy+b*8) in input pixels; keep
sigmoid(logit) >= threshold, greedy NMS, at most maxDetections, undo the letterbox,
clamp to the image.

Outputs models/car-detector/<version>/model.onnx and metadata.json.
"""

import argparse
import copy
import csv
import hashlib
import io
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

SEED = 42
SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(SCRIPT_DIR))
CODE_PATH = "models/car-detector/train.py"

sys.path.insert(0, os.path.join(REPO_ROOT, "models", "common"))
from onnx_package import (  # noqa: E402
    export_onnx, git_info, run_onnx_numpy, torch_framework_string, utc_timestamp, write_metadata,
)
NAME = "car-detector"

# input / output contract (mirrored into metadata.json)
IN_W, IN_H = 672, 384
STRIDE = 8
PAD_VALUE = 114
SCALE = 1.0 / 255.0
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
NMS_IOU = 0.5
MAX_DETECTIONS = 100
AP_SCORE_FLOOR = 0.05

VALIDATION_RANGES = [[12000, 14999]]

# defaults of the shipped version (chosen by the sweep in README.md)
EPOCHS_DEFAULT = 45
CH_DEFAULT = (16, 32, 64, 128, 192)
HC_DEFAULT = 64


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", default=os.path.join(REPO_ROOT, "..", "shared", "datasets", "car-object-detection"))
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--out-dir", default=SCRIPT_DIR, help="package root; files go to <out-dir>/<version>/")
    p.add_argument("--epochs", type=int, default=EPOCHS_DEFAULT)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=2e-3, help="OneCycle peak learning rate (AdamW)")
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--ema-decay", type=float, default=0.995)
    p.add_argument("--neg-fraction", type=float, default=0.4,
                   help="fraction of the car-free training images drawn (afresh) for each epoch")
    p.add_argument("--eval-every", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--opset", type=int, default=13)
    p.add_argument("--input", default="%dx%d" % (IN_W, IN_H), help="network input WIDTHxHEIGHT (multiples of 32)")
    p.add_argument("--device", default="cpu", help="cpu (default, bit-reproducible) or cuda (not bit-reproducible)")
    p.add_argument("--workers", type=int, default=0,
                   help="DataLoader worker processes for augmentation (results do not depend on this number)")
    p.add_argument("--channels", default=",".join(str(c) for c in CH_DEFAULT),
                   help="backbone widths at strides 2,4,8,16,32 (comma-separated)")
    p.add_argument("--head-channels", type=int, default=HC_DEFAULT, help="FPN and head width")
    p.add_argument("--crop-scale-min", type=float, default=0.5, help="smallest random-crop side scale")
    p.add_argument("--checkpoint", default=None,
                   help="also save the final EMA weights here (<path>.npz + <path>.json with the training record)")
    p.add_argument("--from-checkpoint", default=None,
                   help="skip training: load <path>.npz/.json written by --checkpoint (e.g. on a GPU machine), then "
                        "evaluate, export ONNX and write the package as usual")
    p.add_argument("--no-write", action="store_true", help="train and evaluate only (experiments)")
    p.add_argument("--init-onnx", default=None,
                   help="fine-tune: start from the weights of an exported package (its model.onnx, BatchNorm folded "
                        "into the convolutions); BatchNorm statistics then stay frozen (identity) while training")
    p.add_argument("--iou-power", type=float, default=1.0,
                   help="alpha of the alpha-GIoU box loss (1 - IoU^a + penalty^a; 1 = plain GIoU): a > 1 weighs the "
                        "last pixels of an almost-right box more, for tighter boxes")
    return p.parse_args()


# --------------------------------------------------------------------------- data

def frame_of(name):
    # vid_4_<frame>.jpg
    return int(os.path.splitext(name)[0].rsplit("_", 1)[1])


def is_validation(frame):
    return any(lo <= frame <= hi for lo, hi in VALIDATION_RANGES)


def load_data(data_dir):
    """Returns (list of dict(name, frame, image PIL RGB, boxes float32 [K,4]), sha256)."""
    csv_path = os.path.join(data_dir, "train_solution_bounding_boxes.csv")
    img_dir = os.path.join(data_dir, "training_images")
    h = hashlib.sha256()
    with open(csv_path, "rb") as f:
        raw_csv = f.read()
    h.update(raw_csv)
    boxes = {}
    rows = list(csv.reader(io.StringIO(raw_csv.decode("utf-8"), newline="")))
    if rows[0] != ["image", "xmin", "ymin", "xmax", "ymax"]:
        raise ValueError("unexpected CSV header %r" % rows[0])
    for r in rows[1:]:
        if not r:
            continue
        boxes.setdefault(r[0], []).append([float(v) for v in r[1:5]])
    names = sorted(os.listdir(img_dir))
    missing = set(boxes) - set(names)
    if missing:
        raise ValueError("CSV names images that are missing: %s" % sorted(missing)[:5])
    items = []
    for n in names:
        with open(os.path.join(img_dir, n), "rb") as f:
            raw = f.read()
        h.update(raw)
        img = Image.open(io.BytesIO(raw)).convert("RGB")
        b = np.asarray(boxes.get(n, []), dtype=np.float32).reshape(-1, 4)
        items.append({"name": n, "frame": frame_of(n), "image": img, "boxes": b})
    return items, h.hexdigest()


# --------------------------------------------------------------------------- letterbox (serving contract)

def js_round(x):
    return int(math.floor(x + 0.5))


def letterbox_geometry(w, h):
    s = min(IN_W / w, IN_H / h)
    nw, nh = js_round(w * s), js_round(h * s)
    return s, nw, nh, (IN_W - nw) // 2, (IN_H - nh) // 2


def letterbox(img, colour=None):
    """PIL RGB -> (uint8 array [IN_H, IN_W, 3], s, padX, padY). colour(img) may jitter the resized image."""
    w, h = img.size
    s, nw, nh, px, py = letterbox_geometry(w, h)
    r = img.resize((nw, nh), Image.BILINEAR)
    if colour is not None:
        r = colour(r)
    canvas = np.full((IN_H, IN_W, 3), PAD_VALUE, dtype=np.uint8)
    canvas[py:py + nh, px:px + nw] = np.asarray(r, dtype=np.uint8)
    return canvas, s, nw, nh, px, py


MEAN_T = torch.tensor(MEAN).view(1, 3, 1, 1)
STD_T = torch.tensor(STD).view(1, 3, 1, 1)


def to_tensor(batch_u8):
    x = torch.from_numpy(np.stack(batch_u8)).permute(0, 3, 1, 2).float()
    return ((x * SCALE - MEAN_T) / STD_T).contiguous()


# --------------------------------------------------------------------------- augmentation

AUG = {
    "zoomOutProbability": 0.2,
    "zoomOut": [1.0, 1.5],
    "cropProbability": 0.6,
    "cropScale": [0.5, 1.0],
    "cropAspectJitter": [0.8, 1.25],
    "hflip": 0.5,
    "brightness": [0.65, 1.35],
    "contrast": [0.65, 1.35],
    "saturation": [0.5, 1.5],
    "minVisibleFraction": 0.45,
}
def aug_text(crop_min):
    return ("on the original frame, before the serving letterbox, one of: p=0.2 zoom-out (frame placed at a random "
            "position on a grey (114) canvas 1.0-1.5x its size), p=0.6 random crop (side scale %g-1.0 of the frame, "
            "aspect jitter 0.8-1.25, random position; boxes clipped to it, a box keeping < 45%% of its area or < 4 px "
            "becomes an ignore region), else the frame as is; then horizontal flip p=0.5; after the letterbox resize "
            "and before padding: brightness 0.65-1.35, contrast 0.65-1.35, saturation 0.5-1.5 (PIL ImageEnhance "
            "formulas in random order, applied in float on the batch tensor, clamped after each step, rounded at "
            "the end)" % crop_min)


def augment(item, rng):
    """Returns (uint8 canvas, boxes [K,4] in input pixels, ignore boxes [M,4] in input pixels)."""
    img, boxes = item["image"], item["boxes"].copy()
    W0, H0 = img.size
    mode = rng.random()
    if mode < AUG["zoomOutProbability"]:
        z = rng.uniform(*AUG["zoomOut"])
        zw, zh = int(round(W0 * z)), int(round(H0 * z))
        x0, y0 = rng.randint(0, zw - W0), rng.randint(0, zh - H0)
        canvas0 = Image.new("RGB", (zw, zh), (PAD_VALUE, PAD_VALUE, PAD_VALUE))
        canvas0.paste(img, (x0, y0))
        img = canvas0
        boxes = boxes + np.array([x0, y0, x0, y0], dtype=np.float32)
    elif mode < AUG["zoomOutProbability"] + AUG["cropProbability"]:
        sc = rng.uniform(*AUG["cropScale"])
        asp = math.exp(rng.uniform(math.log(AUG["cropAspectJitter"][0]), math.log(AUG["cropAspectJitter"][1])))
        cw = min(W0, max(32, int(round(W0 * sc * math.sqrt(asp)))))
        ch = min(H0, max(32, int(round(H0 * sc / math.sqrt(asp)))))
        x0 = rng.randint(0, W0 - cw)
        y0 = rng.randint(0, H0 - ch)
        img = img.crop((x0, y0, x0 + cw, y0 + ch))
        boxes = boxes - np.array([x0, y0, x0, y0], dtype=np.float32)
    w, h = img.size
    if rng.random() < AUG["hflip"]:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
        boxes = np.stack([w - boxes[:, 2], boxes[:, 1], w - boxes[:, 0], boxes[:, 3]], axis=1).reshape(-1, 4)
    b_, c_, s_ = (rng.uniform(*AUG["brightness"]), rng.uniform(*AUG["contrast"]), rng.uniform(*AUG["saturation"]))
    order = [0, 1, 2]
    rng.shuffle(order)
    canvas, s, nw, nh, px, py = letterbox(img)
    jitter = np.array([b_, c_, s_] + order + [px, py, nw, nh], dtype=np.float64)  # applied by colour_jitter()
    sx, sy = nw / w, nh / h
    keep, ignore = [], []
    for bx in boxes:
        area = max(0.0, bx[2] - bx[0]) * max(0.0, bx[3] - bx[1])
        c = np.array([max(bx[0], 0), max(bx[1], 0), min(bx[2], w), min(bx[3], h)], dtype=np.float32)
        cw_, ch_ = c[2] - c[0], c[3] - c[1]
        if cw_ <= 0 or ch_ <= 0:
            continue
        m = np.array([c[0] * sx + px, c[1] * sy + py, c[2] * sx + px, c[3] * sy + py], dtype=np.float32)
        if cw_ * ch_ < AUG["minVisibleFraction"] * area or (m[2] - m[0]) < 4 or (m[3] - m[1]) < 4:
            ignore.append(m)
        else:
            keep.append(m)
    return (canvas, np.asarray(keep, np.float32).reshape(-1, 4), np.asarray(ignore, np.float32).reshape(-1, 4),
            jitter)


GRAY = (0.299, 0.587, 0.114)  # PIL's "L" conversion


def colour_jitter(x_u8, jitter):
    """x_u8 uint8 [B,H,W,3] (any device), jitter float64 [B,10] (CPU) -> normalised float [B,3,H,W].

    The formulas of PIL's ImageEnhance (Brightness: x*f; Contrast: m+f*(x-m), m the rounded mean grey level;
    Color: g+f*(x-g), g the grey image), in the sample's order, on the resized frame only (not the padding),
    in float with clamping to 0..255 after each step and rounding at the end (PIL rounds after each step)."""
    x = x_u8.permute(0, 3, 1, 2).float()
    gray = torch.tensor(GRAY, device=x.device).view(3, 1, 1)
    out = []
    for k in range(x.shape[0]):
        b_, c_, s_, o0, o1, o2, px, py, nw, nh = jitter[k].tolist()
        px, py, nw, nh = int(px), int(py), int(nw), int(nh)
        r = x[k, :, py:py + nh, px:px + nw]
        for o in (int(o0), int(o1), int(o2)):
            if o == 0:
                r = (r * b_).clamp(0, 255)
            elif o == 1:
                m = torch.floor((r * gray).sum(0).mean() + 0.5)
                r = (m + c_ * (r - m)).clamp(0, 255)
            else:
                g = (r * gray).sum(0, keepdim=True)
                r = (g + s_ * (r - g)).clamp(0, 255)
        xk = x[k].clone()
        xk[:, py:py + nh, px:px + nw] = r.round()
        out.append(xk)
    x = torch.stack(out)
    mean = torch.tensor(MEAN, device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=x.device).view(1, 3, 1, 1)
    return ((x * SCALE - mean) / std).contiguous()


def plain(item):
    canvas, s, nw, nh, px, py = letterbox(item["image"])
    b = item["boxes"] * s + np.array([px, py, px, py], dtype=np.float32)
    return canvas, b.astype(np.float32).reshape(-1, 4), np.zeros((0, 4), np.float32)


# --------------------------------------------------------------------------- targets

GH, GW = IN_H // STRIDE, IN_W // STRIDE
_CX = (np.arange(GW, dtype=np.float32) + 0.5) * STRIDE
_CY = (np.arange(GH, dtype=np.float32) + 0.5) * STRIDE
CENTRE_FRACTION = 0.4   # positives: cell centre inside the central 40% (each side) of the box...
CENTRE_MIN_RADIUS = 1.0  # ...or within 1 stride of the box centre (always clipped to the box)


def build_targets(boxes, ignore):
    """Returns (pos mask [GH,GW] bool, ltrb [GH,GW,4] in stride units, box-loss weight [GH,GW], score weight [GH,GW]).

    Every box weighs the same: its positive cells' box-loss weights (centerness) sum to 1, and their score
    weights sum to 1 (rescaled in the loss so the positives keep their total weight); negatives weigh 1,
    cells inside ignore regions 0."""
    cx, cy = np.meshgrid(_CX, _CY)  # [GH,GW]
    pos = np.zeros((GH, GW), bool)
    ltrb = np.zeros((GH, GW, 4), np.float32)
    ctr = np.zeros((GH, GW), np.float32)
    weight = np.ones((GH, GW), np.float32)
    for bx in ignore:
        inside = (cx >= bx[0]) & (cx <= bx[2]) & (cy >= bx[1]) & (cy <= bx[3])
        weight[inside] = 0.0
    if len(boxes):
        k = len(boxes)
        b = boxes.reshape(k, 1, 1, 4)
        l, t = cx[None] - b[..., 0], cy[None] - b[..., 1]
        r, btm = b[..., 2] - cx[None], b[..., 3] - cy[None]
        inside = (l > 0) & (t > 0) & (r > 0) & (btm > 0)
        bcx, bcy = (b[..., 0] + b[..., 2]) / 2, (b[..., 1] + b[..., 3]) / 2
        bw, bh = b[..., 2] - b[..., 0], b[..., 3] - b[..., 1]
        rx = np.maximum(bw * CENTRE_FRACTION / 2, CENTRE_MIN_RADIUS * STRIDE)
        ry = np.maximum(bh * CENTRE_FRACTION / 2, CENTRE_MIN_RADIUS * STRIDE)
        central = inside & (np.abs(cx[None] - bcx) <= rx) & (np.abs(cy[None] - bcy) <= ry)
        area = np.where(central, (bw * bh), np.inf)
        best = area.argmin(0)
        has = np.isfinite(area.min(0))
        sel = lambda a: np.take_along_axis(a, best[None], 0)[0]  # noqa: E731
        L, T, R, B = sel(l), sel(t), sel(r), sel(btm)
        pos = has
        ltrb = np.stack([L, T, R, B], -1) / STRIDE
        lr = np.minimum(L, R) / np.maximum(np.maximum(L, R), 1e-6)
        tb = np.minimum(T, B) / np.maximum(np.maximum(T, B), 1e-6)
        ctr = np.sqrt(np.clip(lr * tb, 0, 1))
        ltrb = np.where(pos[..., None], ltrb, 0).astype(np.float32)
        ctr = np.where(pos, ctr, 0).astype(np.float32)
        ids = best[pos]
        count = np.bincount(ids, minlength=k).astype(np.float32)
        csum = np.bincount(ids, weights=ctr[pos], minlength=k).astype(np.float32)
        bal = np.zeros((GH, GW), np.float32)
        bal[pos] = ctr[pos] / np.maximum(csum[ids], 1e-6)
        ctr = bal
        weight[pos] = 1.0 / count[ids]
    return pos, ltrb, ctr, weight


def collate(samples):
    """-> (uint8 canvases [B,H,W,3], colour jitter [B,10], pos, ltrb, box weight, score weight)."""
    xs, J, P, LT, C, Wt = [], [], [], [], [], []
    for canvas, boxes, ignore, jitter in samples:
        xs.append(canvas)
        J.append(jitter)
        p, lt, c, w = build_targets(boxes, ignore)
        P.append(p)
        LT.append(lt)
        C.append(c)
        Wt.append(w)
    return (torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(J)), torch.from_numpy(np.stack(P)),
            torch.from_numpy(np.stack(LT)), torch.from_numpy(np.stack(C)), torch.from_numpy(np.stack(Wt)))


# --------------------------------------------------------------------------- model

def cbr(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def arch_text(c, hc):
    return ("backbone: 3x3 conv+BN+ReLU blocks: stride 2 to %d ch, stride 4 to %d ch, stride 8 to %d ch (+1 conv), "
            "stride 16 to %d ch (+2), stride 32 to %d ch (+2); FPN-lite top-down: 1x1 laterals to %d ch, nearest 2x "
            "upsample + add, down to stride 8; head: two 3x3 conv+BN+ReLU (%d ch), then 1x1 conv to 1 score logit and "
            "1x1 conv to 4 box distances passed through exp()" % (tuple(c) + (hc, hc)))


class CarNet(nn.Module):
    def __init__(self, channels=CH_DEFAULT, head_channels=HC_DEFAULT):
        super().__init__()
        c, hc = tuple(channels), head_channels
        assert len(c) == 5
        self.s4 = nn.Sequential(cbr(3, c[0], 2), cbr(c[0], c[1], 2))
        self.s8 = nn.Sequential(cbr(c[1], c[2], 2), cbr(c[2], c[2]))
        self.s16 = nn.Sequential(cbr(c[2], c[3], 2), cbr(c[3], c[3]), cbr(c[3], c[3]))
        self.s32 = nn.Sequential(cbr(c[3], c[4], 2), cbr(c[4], c[4]), cbr(c[4], c[4]))
        self.l8 = nn.Conv2d(c[2], hc, 1)
        self.l16 = nn.Conv2d(c[3], hc, 1)
        self.l32 = nn.Conv2d(c[4], hc, 1)
        self.head = nn.Sequential(cbr(hc, hc), cbr(hc, hc))
        self.score = nn.Conv2d(hc, 1, 1)
        self.box = nn.Conv2d(hc, 4, 1)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        nn.init.normal_(self.score.weight, std=0.01)
        nn.init.constant_(self.score.bias, -math.log(99.0))   # prior 0.01
        nn.init.normal_(self.box.weight, std=0.01)
        nn.init.constant_(self.box.bias, math.log(2.0))       # 2 strides each side

    def forward(self, x):
        x = self.s4(x)
        a = self.s8(x)
        b = self.s16(a)
        c = self.s32(b)
        p = self.l16(b) + F.interpolate(self.l32(c), scale_factor=2.0, mode="nearest")
        p = self.l8(a) + F.interpolate(p, scale_factor=2.0, mode="nearest")
        h = self.head(p)
        return self.score(h), torch.exp(self.box(h))


class ModelEMA:
    def __init__(self, model, decay):
        self.ema = copy.deepcopy(model).eval()
        self.decay = decay
        self.updates = 0
        for p in self.ema.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model):
        self.updates += 1
        d = self.decay * (1 - math.exp(-self.updates / 200.0))  # ramp up early
        msd = model.state_dict()
        e_f, m_f = [], []
        for k, v in self.ema.state_dict().items():
            if v.dtype.is_floating_point:
                e_f.append(v)
                m_f.append(msd[k].detach())
            else:
                v.copy_(msd[k])
        torch._foreach_mul_(e_f, d)                   # same arithmetic as v.mul_(d).add_(m, alpha=1-d), batched
        torch._foreach_add_(e_f, m_f, alpha=1 - d)


# --------------------------------------------------------------------------- loss

def ltrb_iou_giou(pred, tgt, power=1.0):
    pl, pt, pr, pb = pred.unbind(-1)
    tl, tt, tr, tb = tgt.unbind(-1)
    pa = (pl + pr) * (pt + pb)
    ta = (tl + tr) * (tt + tb)
    iw = torch.min(pl, tl) + torch.min(pr, tr)
    ih = torch.min(pt, tt) + torch.min(pb, tb)
    inter = iw.clamp(min=0) * ih.clamp(min=0)
    union = pa + ta - inter
    iou = inter / union.clamp(min=1e-9)
    ew = torch.max(pl, tl) + torch.max(pr, tr)
    eh = torch.max(pt, tt) + torch.max(pb, tb)
    enc = (ew * eh).clamp(min=1e-9)
    # alpha-GIoU (He et al. 2021): IoU^a - penalty^a; power 1 is GIoU itself
    return iou, iou.clamp(min=0).pow(power) - ((enc - union) / enc).pow(power)


LOSS_TEXT = ("quality focal loss on the score (target = IoU of the predicted box with its ground truth at positive "
             "cells, 0 elsewhere, beta 2; ignore regions weight 0; normalised by the positive count) + 2 x GIoU loss "
             "on positive cells weighted by the centerness target; every box weighs the same in both terms "
             "(its positive cells share one box's weight); positives: cell centres inside the central 40% of a box "
             "or within 1 stride of its centre, ties to the smaller box")


def compute_loss(model, batch, iou_power=1.0):
    x, pos, ltrb, bw, weight = batch
    logit, box = model(x)
    logit = logit[:, 0]                      # [B,GH,GW]
    box = box.permute(0, 2, 3, 1)            # [B,GH,GW,4]
    npos = max(1.0, float(pos.sum()))
    target = torch.zeros_like(logit)
    if pos.any():
        iou, giou = ltrb_iou_giou(box[pos], ltrb[pos], iou_power)
        target[pos] = iou.detach().clamp(min=0.0)
        w = bw[pos]
        nbox = w.sum().clamp(min=1e-6)       # each box's weights sum to 1
        box_loss = ((1 - giou) * w).sum() / nbox
        weight = weight.clone()
        weight[pos] = weight[pos] * (npos / nbox)
    else:
        box_loss = box.sum() * 0.0
    sig = logit.sigmoid()
    qfl = F.binary_cross_entropy_with_logits(logit, target, reduction="none") * (sig - target).abs().pow(2.0)
    score_loss = (qfl * weight).sum() / npos
    return score_loss + 2.0 * box_loss, float(score_loss), float(box_loss)


# --------------------------------------------------------------------------- decode + evaluation (server contract)

def sigmoid_np(z):
    return 1.0 / (1.0 + np.exp(-z.astype(np.float64)))


def nms(boxes, scores, iou_thr, max_det):
    order = np.argsort(-scores, kind="stable")
    keep = []
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    suppressed = np.zeros(len(boxes), bool)
    for oi, i in enumerate(order):
        if suppressed[i]:
            continue
        keep.append(i)
        if len(keep) >= max_det:
            break
        rest = order[oi + 1:]
        rest = rest[~suppressed[rest]]
        if len(rest) == 0:
            continue
        ix1 = np.maximum(boxes[i, 0], boxes[rest, 0])
        iy1 = np.maximum(boxes[i, 1], boxes[rest, 1])
        ix2 = np.minimum(boxes[i, 2], boxes[rest, 2])
        iy2 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.clip(ix2 - ix1, 0, None) * np.clip(iy2 - iy1, 0, None)
        union = areas[i] + areas[rest] - inter
        iou = np.where(union > 0, inter / np.where(union > 0, union, 1), 0)
        suppressed[rest[iou > iou_thr]] = True
    return np.asarray(keep, dtype=np.int64)


def decode(score_logits, box_dist, img_w, img_h, score_thr, iou_thr=NMS_IOU, max_det=MAX_DETECTIONS):
    """score_logits [1,GH,GW], box_dist [4,GH,GW] for one image -> (boxes [K,4] in image pixels, scores [K])."""
    gh, gw = score_logits.shape[-2:]
    s, nw, nh, px, py = letterbox_geometry(img_w, img_h)
    sc = sigmoid_np(score_logits.reshape(gh, gw))
    ii, jj = np.nonzero(sc >= score_thr)
    if len(ii) == 0:
        return np.zeros((0, 4)), np.zeros(0)
    cx = (jj + 0.5) * STRIDE
    cy = (ii + 0.5) * STRIDE
    d = box_dist[:, ii, jj].astype(np.float64)
    b = np.stack([cx - d[0] * STRIDE, cy - d[1] * STRIDE, cx + d[2] * STRIDE, cy + d[3] * STRIDE], 1)
    scores = sc[ii, jj]
    keep = nms(b, scores, iou_thr, max_det)
    b, scores = b[keep], scores[keep]
    b = (b - np.array([px, py, px, py])) / s
    b[:, [0, 2]] = np.clip(b[:, [0, 2]], 0, img_w)
    b[:, [1, 3]] = np.clip(b[:, [1, 3]], 0, img_h)
    return b, scores


def iou_matrix(a, b):
    ix1 = np.maximum(a[:, None, 0], b[None, :, 0])
    iy1 = np.maximum(a[:, None, 1], b[None, :, 1])
    ix2 = np.minimum(a[:, None, 2], b[None, :, 2])
    iy2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(ix2 - ix1, 0, None) * np.clip(iy2 - iy1, 0, None)
    aa = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    ab = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = aa[:, None] + ab[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0)


def evaluate_detections(dets, gts, iou_thr=0.5):
    """dets: list per image of (boxes, scores); gts: list of [K,4]. VOC all-point AP, single class.
    Returns dict(ap, scores sorted desc, tp flags, n_gt)."""
    recs = []
    for img_i, (b, s) in enumerate(dets):
        for k in range(len(s)):
            recs.append((-float(s[k]), img_i, k))
    recs.sort(key=lambda r: (r[0], r[1], r[2]))
    n_gt = sum(len(g) for g in gts)
    matched = [np.zeros(len(g), bool) for g in gts]
    tp = np.zeros(len(recs))
    scores = np.zeros(len(recs))
    for n, (neg_s, img_i, k) in enumerate(recs):
        scores[n] = -neg_s
        g = gts[img_i]
        if len(g) == 0:
            continue
        ious = iou_matrix(dets[img_i][0][k:k + 1], g)[0]
        j = int(np.argmax(ious))
        if ious[j] >= iou_thr and not matched[img_i][j]:
            matched[img_i][j] = True
            tp[n] = 1
    ctp = np.cumsum(tp)
    cfp = np.cumsum(1 - tp)
    recall = ctp / max(n_gt, 1)
    precision = ctp / np.maximum(ctp + cfp, 1e-12)
    mrec = np.concatenate([[0.0], recall, [1.0]])
    mpre = np.concatenate([[0.0], precision, [0.0]])
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    idx = np.nonzero(mrec[1:] != mrec[:-1])[0]
    ap = float(np.sum((mrec[idx + 1] - mrec[idx]) * mpre[idx + 1]))
    return {"ap": ap, "scores": scores, "tp": tp, "precision": precision, "recall": recall, "n_gt": n_gt}


def best_threshold(ev):
    """Score threshold maximising F1 (threshold = score of the last detection kept; ties -> the higher threshold)."""
    if len(ev["scores"]) == 0:
        return 0.5, 0.0, 0.0, 0.0
    p, r, s = ev["precision"], ev["recall"], ev["scores"]
    # only cut between distinct scores
    last_of_run = np.r_[s[1:] != s[:-1], True]
    f1 = np.where(last_of_run, 2 * p * r / np.maximum(p + r, 1e-12), -1)
    i = int(np.argmax(f1))
    return float(s[i]), float(p[i]), float(r[i]), float(f1[i])


def metrics_at(ev, thr):
    m = ev["scores"] >= thr
    tp = float(ev["tp"][m].sum())
    n = int(m.sum())
    return (tp / n if n else 0.0), tp / max(ev["n_gt"], 1)


@torch.no_grad()
def predict_raw(model, canvases, batch=16):
    model.eval()
    device = next(model.parameters()).device
    outs_s, outs_b = [], []
    for i in range(0, len(canvases), batch):
        s, b = model(to_tensor(canvases[i:i + batch]).to(device))
        outs_s.append(s.float().cpu().numpy())
        outs_b.append(b.float().cpu().numpy())
    return np.concatenate(outs_s), np.concatenate(outs_b)


def evaluate_raw(scores, boxes, items, floor=AP_SCORE_FLOOR):
    dets = []
    for k, it in enumerate(items):
        w, h = it["image"].size
        dets.append(decode(scores[k], boxes[k], w, h, floor))
    return evaluate_detections(dets, [it["boxes"] for it in items])


# --------------------------------------------------------------------------- main

def set_input_size(spec):
    global IN_W, IN_H, GH, GW, _CX, _CY
    IN_W, IN_H = (int(v) for v in spec.lower().split("x"))
    if IN_W % 32 or IN_H % 32:
        raise SystemExit("--input: width and height must be multiples of 32")
    GH, GW = IN_H // STRIDE, IN_W // STRIDE
    _CX = (np.arange(GW, dtype=np.float32) + 0.5) * STRIDE
    _CY = (np.arange(GH, dtype=np.float32) + 0.5) * STRIDE


class TrainSamples(torch.utils.data.Dataset):
    """Key (epoch, position in the epoch, training item) -> one augmented sample. Its RNG is seeded from
    (SEED, epoch, position) alone, so the samples do not depend on how many workers make them."""

    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, key):
        epoch, pos, k = key
        return augment(self.items[k], random.Random((SEED * 1000003 + epoch) * 1000003 + pos))


def _worker_init(_):
    torch.set_num_threads(1)


def to_train_mode(model, frozen_bn):
    """Training mode; with frozen_bn (fine-tuning folded weights) BatchNorm keeps its identity statistics."""
    model.train()
    if frozen_bn:
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.eval()


def load_folded_onnx(model, path):
    """Loads an exported package's weights: each conv+BN block's folded convolution goes into the conv (which then
    needs its bias: the BN's shift takes it), and the BN becomes the identity (mean 0, variance 1, scale
    sqrt(1+eps)), so the network computes exactly what the ONNX graph does."""
    import onnx
    from onnx import numpy_helper
    proto = onnx.load(path)
    init = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in proto.graph.initializer}
    state = model.state_dict()
    loaded = set()
    for node in proto.graph.node:
        if node.op_type != "Conv":
            continue
        # node names are the module paths of the export, e.g. /s4/s4.0/s4.0.0/Conv or /l8/Conv
        module = node.name.strip("/").split("/")[-2]
        w, b = init[node.input[1]], init[node.input[2]]
        block = module.rsplit(".", 1)[0]  # s4.0.0 (the conv) -> s4.0 (the conv+BN+ReLU block)
        if block + ".1.running_mean" not in state:  # laterals and output convs keep their own names and biases
            state[module + ".weight"], state[module + ".bias"] = w, b
            loaded.update([module + ".weight", module + ".bias"])
            continue
        bn = dict(model.named_modules())[block + ".1"]
        state[block + ".0.weight"] = w
        state[block + ".1.weight"] = torch.full_like(b, math.sqrt(1.0 + bn.eps))
        state[block + ".1.bias"] = b
        state[block + ".1.running_mean"] = torch.zeros_like(b)
        state[block + ".1.running_var"] = torch.ones_like(b)
        loaded.update(block + k for k in (".0.weight", ".1.weight", ".1.bias", ".1.running_mean", ".1.running_var"))
    missing = {k for k, v in state.items() if v.dtype.is_floating_point} - loaded
    if missing:
        raise SystemExit("%s does not hold %s" % (path, sorted(missing)[:5]))
    model.load_state_dict(state)


def train_model(args, model, train, val, val_canvases, device):
    """Returns (EMA model in eval mode, validation history, training seconds, images per epoch)."""
    model.to(device)
    ema = ModelEMA(model, args.ema_decay)
    gen = torch.Generator().manual_seed(SEED)
    train_pos = [k for k, it in enumerate(train) if len(it["boxes"])]
    train_neg = [k for k, it in enumerate(train) if not len(it["boxes"])]
    n_neg = int(round(len(train_neg) * args.neg_fraction))
    epoch_size = len(train_pos) + n_neg
    steps_per_epoch = math.ceil(epoch_size / args.batch_size)
    print("each epoch: %d images with cars + %d of %d car-free images, %d steps" % (
        len(train_pos), n_neg, len(train_neg), steps_per_epoch))
    # every epoch's draw of negatives and order, fixed up front (the generator serves nothing else)
    batches, epoch_of = [], []
    for epoch in range(1, args.epochs + 1):
        negs = [train_neg[k] for k in torch.randperm(len(train_neg), generator=gen)[:n_neg].tolist()]
        pool = train_pos + negs
        perm = [pool[k] for k in torch.randperm(len(pool), generator=gen).tolist()]
        for i in range(0, len(perm), args.batch_size):
            batches.append([(epoch, i + q, j) for q, j in enumerate(perm[i:i + args.batch_size])])
            epoch_of.append(epoch)
    # Worker options only with workers: PyTorch 1.13 (Debian, the CPU path) refuses a prefetch_factor without them.
    parallel = {"worker_init_fn": _worker_init, "multiprocessing_context": "fork", "prefetch_factor": 4} \
        if args.workers else {}
    loader = torch.utils.data.DataLoader(
        TrainSamples(train), batch_sampler=batches, collate_fn=collate, num_workers=args.workers,
        pin_memory=device.type == "cuda", **parallel)
    decay, no_decay = [], []
    for n_, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs,
                                                steps_per_epoch=steps_per_epoch, pct_start=0.15,
                                                div_factor=20.0, final_div_factor=100.0)
    history = []
    t_train = time.time()
    t_ep = time.time()
    tot, tot_s, tot_b, nb = 0.0, 0.0, 0.0, 0
    to_train_mode(model, args.init_onnx is not None)
    for bi, batch in enumerate(loader):
        epoch = epoch_of[bi]
        x_u8, jitter = batch[0].to(device, non_blocking=True), batch[1]
        batch = (colour_jitter(x_u8, jitter),) + tuple(t.to(device, non_blocking=True) for t in batch[2:])
        loss, ls, lb = compute_loss(model, batch, args.iou_power)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        sched.step()
        ema.update(model)
        tot += float(loss)
        tot_s += ls
        tot_b += lb
        nb += 1
        if bi + 1 < len(batches) and epoch_of[bi + 1] == epoch:
            continue
        msg = "epoch %2d/%d  lr %.2e  loss %.4f (score %.4f, giou %.4f)" % (
            epoch, args.epochs, sched.get_last_lr()[0], tot / nb, tot_s / nb, tot_b / nb)
        if epoch % args.eval_every == 0 or epoch == args.epochs:
            s_, b_ = predict_raw(ema.ema, val_canvases)
            ev = evaluate_raw(s_, b_, val)
            thr, p, r, f1 = best_threshold(ev)
            msg += "  val(EMA) mAP50 %.4f  best-F1 %.3f (P %.3f R %.3f @ %.3f)" % (ev["ap"], f1, p, r, thr)
            history.append({"epoch": epoch, "mAP50": round(ev["ap"], 4)})
            to_train_mode(model, args.init_onnx is not None)
        print(msg + "  (%.1fs)" % (time.time() - t_ep), flush=True)
        t_ep = time.time()
        tot, tot_s, tot_b, nb = 0.0, 0.0, 0.0, 0
    train_seconds = time.time() - t_train
    return ema.ema.eval(), history, train_seconds, epoch_size


def main():
    args = parse_args()
    ckpt_record = None
    if args.from_checkpoint:
        with open(args.from_checkpoint + ".json") as f:
            ckpt_record = json.load(f)
        # the checkpoint fixes the network and its input; everything else reported comes from its record
        args.input = ckpt_record["input"]
        args.channels = ckpt_record["channels"]
        args.head_channels = ckpt_record["headChannels"]
        args.device = "cpu"
    set_input_size(args.input)
    channels = [int(v) for v in str(args.channels).split(",")]
    AUG["cropScale"] = [args.crop_scale_min, 1.0]
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == "cuda":
        # nearest-upsample backward has no deterministic CUDA kernel: GPU training is not bit-reproducible
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.backends.cudnn.benchmark = False
        torch.use_deterministic_algorithms(True, warn_only=True)
    else:
        torch.use_deterministic_algorithms(True)
    torch.set_flush_denormal(True)  # denormal floats slow CPU kernels badly

    t_start = time.time()
    items, data_sha = load_data(args.data_dir)
    train = [it for it in items if not is_validation(it["frame"])]
    val = [it for it in items if is_validation(it["frame"])]
    n_box = lambda xs: int(sum(len(it["boxes"]) for it in xs))  # noqa: E731
    n_posimg = lambda xs: int(sum(len(it["boxes"]) > 0 for it in xs))  # noqa: E731
    print("data: %d images, %d boxes, sha256 %s" % (len(items), n_box(items), data_sha))
    print("split %s: train %d images (%d with cars, %d boxes), validation %d images (%d with cars, %d boxes)" % (
        VALIDATION_RANGES, len(train), n_posimg(train), n_box(train), len(val), n_posimg(val), n_box(val)))
    val_canvases = [plain(it)[0] for it in val]

    model = CarNet(channels, args.head_channels)
    if args.init_onnx:
        load_folded_onnx(model, args.init_onnx)
    n_params = sum(p.numel() for p in model.parameters())
    print("model: %d parameters, channels %s, head %d, input %dx%d, stride %d" % (
        n_params, channels, args.head_channels, IN_W, IN_H, STRIDE))

    if ckpt_record is not None:
        if ckpt_record["dataSha256"] != data_sha:
            raise SystemExit("the checkpoint was trained on other data (%s)" % ckpt_record["dataSha256"])
        with np.load(args.from_checkpoint + ".npz") as z:
            model.load_state_dict({k: torch.from_numpy(np.array(z[k])) for k in z.files})
        final = model.eval()
        rec_ = ckpt_record
        params_ = rec_["parameters"]
        history = rec_["validationHistory"]
        train_seconds = rec_["trainSeconds"]
        epoch_size = rec_["imagesPerEpoch"]
        print("loaded %s.npz: trained with %s on %s, commit %s (dirty %s)" % (
            args.from_checkpoint, rec_["framework"], rec_["deviceName"], rec_["codeCommit"], rec_["codeDirty"]))
    else:
        params_ = {"epochs": args.epochs, "batchSize": args.batch_size, "negativeFraction": args.neg_fraction,
                   "learningRate": args.lr, "weightDecay": args.weight_decay, "emaDecay": args.ema_decay,
                   "cropScaleMin": args.crop_scale_min, "threads": args.threads, "workers": args.workers,
                   "device": args.device, "iouPower": args.iou_power,
                   "initOnnx": args.init_onnx and os.path.relpath(args.init_onnx, REPO_ROOT)}
        final, history, train_seconds, epoch_size = train_model(args, model, train, val, val_canvases, device)

    # ---- final evaluation of the exported (EMA) weights
    s_t, b_t = predict_raw(final, val_canvases)
    ev = evaluate_raw(s_t, b_t, val)
    thr, p_best, r_best, f1_best = best_threshold(ev)
    thr = math.floor(thr * 1000) / 1000.0  # round down to 3 decimals: keeps every detection counted above
    prec, rec = metrics_at(ev, thr)
    print("validation (torch, EMA): mAP50 %.4f; threshold %.3f -> precision %.4f recall %.4f (F1 %.4f)" % (
        ev["ap"], thr, prec, rec, 2 * prec * rec / max(prec + rec, 1e-12)))
    if args.checkpoint and ckpt_record is None:
        commit, dirty = git_info(REPO_ROOT, CODE_PATH)
        np.savez(args.checkpoint + ".npz", **{k: v.detach().cpu().numpy() for k, v in final.state_dict().items()})
        record = {"input": "%dx%d" % (IN_W, IN_H), "channels": ",".join(str(c) for c in channels),
                  "headChannels": args.head_channels, "dataSha256": data_sha, "codeCommit": commit,
                  "codeDirty": dirty, "framework": "PyTorch %s" % torch.__version__,
                  "deviceName": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
                  "parameters": params_, "validationHistory": history, "trainSeconds": round(train_seconds, 1),
                  "imagesPerEpoch": epoch_size, "validation": {"mAP50": round(ev["ap"], 4),
                                                               "precision": round(prec, 4), "recall": round(rec, 4),
                                                               "scoreThreshold": thr}}
        with open(args.checkpoint + ".json", "w") as f:
            f.write(json.dumps(record, indent=2) + "\n")
        print("checkpoint: %s.npz / .json" % args.checkpoint)
    if args.no_write:
        print("training %.1fs, total %.1fs (--no-write: nothing written)" % (train_seconds, time.time() - t_start))
        return

    # ---- ONNX export
    out_dir = os.path.join(args.out_dir, args.version)
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    onnx_bytes, proto = export_onnx(final, torch.zeros(1, 3, IN_H, IN_W), onnx_path, args.opset, ["image"],
                                    ["scores", "boxes"])

    # verify the ONNX graph itself (numpy evaluator) against torch on every validation image, batch of 2
    # (exercises the dynamic batch dimension), then recompute the metrics from the ONNX outputs
    x_val = to_tensor(val_canvases).numpy()
    o_s, o_b = [], []
    for i in range(0, len(x_val), 2):
        s_, b_ = run_onnx_numpy(proto, {"image": x_val[i:i + 2]})
        o_s.append(s_)
        o_b.append(b_)
    o_s, o_b = np.concatenate(o_s), np.concatenate(o_b)
    assert o_s.shape == (len(val), 1, GH, GW) and o_b.shape == (len(val), 4, GH, GW), (o_s.shape, o_b.shape)
    d_s = float(np.abs(o_s - s_t).max())
    d_b = float(np.abs(o_b - b_t).max() / max(1.0, float(np.abs(b_t).max())))
    ev_onnx = evaluate_raw(o_s, o_b, val)
    prec_o, rec_o = metrics_at(ev_onnx, thr)
    print("onnx (numpy evaluator) vs torch: max |score logit diff| %.2e, max rel box diff %.2e; "
          "onnx mAP50 %.4f, precision %.4f, recall %.4f" % (d_s, d_b, ev_onnx["ap"], prec_o, rec_o))
    if d_s > 1e-3 or d_b > 1e-3 or abs(ev_onnx["ap"] - ev["ap"]) > 1e-3:
        raise SystemExit("ONNX output does not match the torch model")

    onnx_sha = hashlib.sha256(onnx_bytes).hexdigest()
    if ckpt_record is not None:
        commit, dirty = ckpt_record["codeCommit"], ckpt_record["codeDirty"]
        framework = "%s CUDA (%s) for training, %s for export" % (
            ckpt_record["framework"], ckpt_record["deviceName"], torch_framework_string())
        if ckpt_record["deviceName"] == "cpu":
            framework = "%s for training, %s for export" % (ckpt_record["framework"], torch_framework_string())
        duration = train_seconds
    else:
        commit, dirty = git_info(REPO_ROOT, CODE_PATH)
        framework = torch_framework_string()
        duration = time.time() - t_start
    gpu = params_["device"] != "cpu"

    meta = {
        "name": NAME,
        "version": args.version,
        "task": "object-detection",
        "description": "Single-class car detector for dashcam frames, small anchor-free CNN.",
        "artifact": {"file": "model.onnx", "sha256": onnx_sha, "bytes": len(onnx_bytes)},
        "input": {
            "kind": "image",
            "tensorName": "image",
            "layout": "NCHW",
            "dtype": "float32",
            "channels": 3,
            "height": IN_H,
            "width": IN_W,
            "fit": "letterbox",
            "padValue": PAD_VALUE,
            "normalisation": {"scale": SCALE, "mean": MEAN, "std": STD},
        },
        "output": {
            "kind": "detection",
            "scoresTensorName": "scores",
            "boxesTensorName": "boxes",
            "stride": STRIDE,
            "scoreActivation": "sigmoid",
            "boxEncoding": "ltrb-stride",
            "labels": ["car"],
            "scoreThreshold": thr,
            "nmsIou": NMS_IOU,
            "maxDetections": MAX_DETECTIONS,
        },
        "training": {
            "code": CODE_PATH,
            "codeCommit": commit,
            "codeDirty": dirty,
            "framework": framework,
            "seed": SEED,
            "data": {
                "source": ("Car Object Detection (Kaggle, sshikamaru), ../shared/datasets/car-object-detection: "
                           "training_images + train_solution_bounding_boxes.csv"),
                "license": "unknown (no license found; see SOURCE.md)",
                "sha256": data_sha,
                "split": {
                    "method": "frame-ranges",
                    "validationRanges": VALIDATION_RANGES,
                    "trainCount": len(train),
                    "validationCount": len(val),
                    "trainBoxes": n_box(train),
                    "validationBoxes": n_box(val),
                },
            },
            "parameters": {
                "epochs": params_["epochs"],
                "batchSize": params_["batchSize"],
                "negativeFraction": params_["negativeFraction"],
                "imagesPerEpoch": epoch_size,
                "optimizer": "AdamW (no weight decay on biases and BatchNorm)",
                "learningRate": params_["learningRate"],
                "schedule": "OneCycleLR (cosine, pct_start 0.15, div 20, final div 100), stepped per batch",
                "weightDecay": params_["weightDecay"],
                "gradientClipNorm": 10.0,
                "ema": "exponential moving average of weights, decay %g (ramped), exported" % params_["emaDecay"],
                "augmentation": aug_text(params_["cropScaleMin"]),
                "augmentationRng": "one Python random.Random per sample, seeded from (seed, epoch, position in the "
                                   "epoch): samples do not depend on the number of DataLoader workers (%d here)"
                                   % params_["workers"],
                "device": params_["device"],
                "reproducibility": ("GPU training is not bit-reproducible (deterministic algorithms requested, but "
                                    "nearest-upsample backward has no deterministic CUDA kernel; TF32 convolutions)"
                                    if gpu else "CPU, deterministic algorithms: bit-reproducible on the same build"),
                "loss": LOSS_TEXT,
                "checkpointSelection": "none (EMA weights after the last epoch)",
                **({"variantSelection": ckpt_record["variantSelection"]}
                   if ckpt_record is not None and "variantSelection" in ckpt_record else {}),
                "thresholdSelection": "scoreThreshold maximises F1 on the validation frames (rounded down to 0.001)",
                "apScoreFloor": AP_SCORE_FLOOR,
                "architecture": arch_text(channels, args.head_channels),
                "parameterCount": n_params,
                "onnxOpset": args.opset,
                "threads": params_["threads"],
                "validationHistory": history,
            },
            "durationSeconds": round(duration, 1),
            "trainedAt": utc_timestamp(),
        },
        "metrics": {
            "validation": {
                "mAP50": round(ev_onnx["ap"], 4),
                "precision": round(prec_o, 4),
                "recall": round(rec_o, 4),
                "scoreThreshold": thr,
                "images": len(val),
                "boxes": n_box(val),
                "measuredBy": "models/car-detector/train.py (PyTorch, server decode replicated in numpy)",
            }
        },
    }
    write_metadata(out_dir, meta, onnx_path, onnx_bytes, onnx_sha, REPO_ROOT, train_seconds, duration)


if __name__ == "__main__":
    main()
