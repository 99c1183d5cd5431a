"""Ink/paper segmentation for the digits page work (issue #27): the ink segmenter digits 1.6.0 ships beside its model.

Trains a small fully-convolutional network (a three-level U-Net, 12 to 48 channels) that reads a page picture as the
page work decodes it (its value, at 128 px) and says, per pixel, how much of it the written digit's ink covers. Data:
`npx tsx scripts/evaluation/pages/ink-masks.ts 4000` and `... 4000 --from 4000` (8,000 generated pages of training
digits with the truth of their ink). Writes .local/digit-pages/ink-masks/segmenter.onnx (opset 13, any picture size
divisible by 8), which a version ships as ink-segmenter.onnx (input.page.inkSegmenter; models/digits/README.md).

    /usr/bin/python3 models/digits/train_segmenter.py [--epochs 5] [--threads 2]

Seed 7 for everything; 5 epochs take about 16 minutes on 2 CPU cores (~190 s each on 8,000 pages).
"""
import argparse
import glob
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SIDE = 128
DIR = os.path.join('.local', 'digit-pages', 'ink-masks')


def block(inputs, outputs):
    return nn.Sequential(
        nn.Conv2d(inputs, outputs, 3, padding=1), nn.BatchNorm2d(outputs), nn.ReLU(inplace=True),
        nn.Conv2d(outputs, outputs, 3, padding=1), nn.BatchNorm2d(outputs), nn.ReLU(inplace=True),
    )


class Segmenter(nn.Module):
    """Value (0-255) in, ink logits out, same size: three poolings down, three nearest-neighbour upsamplings back."""

    def __init__(self, c=12):
        super().__init__()
        self.e1, self.e2, self.e3, self.e4 = block(1, c), block(c, 2 * c), block(2 * c, 4 * c), block(4 * c, 4 * c)
        self.d3, self.d2, self.d1 = block(8 * c, 2 * c), block(4 * c, c), block(2 * c, c)
        self.out = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        x = x / 255.0
        a = self.e1(x)
        b = self.e2(F.max_pool2d(a, 2))
        c = self.e3(F.max_pool2d(b, 2))
        d = self.e4(F.max_pool2d(c, 2))
        up = lambda t: F.interpolate(t, scale_factor=2.0, mode='nearest')
        u = self.d3(torch.cat([up(d), c], 1))
        u = self.d2(torch.cat([up(u), b], 1))
        return self.out(self.d1(torch.cat([up(u), a], 1)))


def load():
    values = sorted(glob.glob(os.path.join(DIR, 'value*.u8')))
    if not values:
        raise SystemExit(f'No pages in {DIR}: run npx tsx scripts/evaluation/pages/ink-masks.ts first.')
    x = np.concatenate([np.fromfile(v, dtype=np.uint8) for v in values]).reshape(-1, 1, SIDE, SIDE)
    y = np.concatenate([np.fromfile(v.replace('value', 'coverage'), dtype=np.uint8) for v in values]).reshape(-1, 1, SIDE, SIDE)
    return x, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--epochs', type=int, default=5)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--batch-size', type=int, default=32)
    args = parser.parse_args()
    torch.manual_seed(7)
    np.random.seed(7)
    torch.set_num_threads(args.threads)
    x, y = load()
    n = len(x)
    held = n // 20  # the first 5 %: the intersection-over-union printed each epoch, never trained on
    print(f'{n} pages, {held} held out')
    net = Segmenter()
    opt = torch.optim.AdamW(net.parameters(), 2e-3, weight_decay=1e-4)
    steps = args.epochs * ((n - held) // args.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=steps)
    xs = torch.from_numpy(x.astype(np.float32))
    ys = torch.from_numpy(y.astype(np.float32) / 255.0)
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(n - held) + held
        started, total = time.time(), 0.0
        for i in range(0, n - held - args.batch_size + 1, args.batch_size):
            batch = order[i:i + args.batch_size]
            inputs, target = xs[batch], ys[batch]
            if np.random.rand() < 0.5:
                inputs, target = inputs.flip(3), target.flip(3)
            # The camera's exposure: the same page lighter or darker.
            gain = torch.empty(len(batch), 1, 1, 1).uniform_(0.7, 1.1)
            offset = torch.empty(len(batch), 1, 1, 1).uniform_(-20, 10)
            logits = net((inputs * gain + offset).clamp(0, 255))
            p = torch.sigmoid(logits)
            dice = 1 - (2 * (p * target).sum((1, 2, 3)) + 1) / (p.sum((1, 2, 3)) + target.sum((1, 2, 3)) + 1)
            loss = F.binary_cross_entropy_with_logits(logits, target) + dice.mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total += loss.item()
        net.eval()
        with torch.no_grad():
            p = torch.sigmoid(net(xs[:held])) > 0.5
            t = ys[:held] > 0.5
            iou = (p & t).sum().item() / max(1, (p | t).sum().item())
        print(f'epoch {epoch}: loss {total / ((n - held) // args.batch_size):.4f}, held-out IoU {iou:.3f}, '
              f'{time.time() - started:.0f} s', flush=True)
    path = os.path.join(DIR, 'segmenter.onnx')
    torch.onnx.export(net, torch.zeros(1, 1, SIDE, SIDE), path, input_names=['value'], output_names=['ink'],
                      opset_version=13, dynamic_axes={'value': {0: 'n', 2: 'h', 3: 'w'}, 'ink': {0: 'n', 2: 'h', 3: 'w'}})
    print(f'wrote {path}')


if __name__ == '__main__':
    main()
