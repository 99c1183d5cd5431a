#!/usr/bin/python3
"""Bring your own model, detector example: the repository's own car detector, packaged for `vigie models import`.

Usage (from the repository root):

    /usr/bin/python3 examples/bring-your-own-model/detector/spec.py <outdir> [--from models/car-detector/<version>]

No detector is trained here: models/car-detector/train.py is the worked example of training one and exporting it
(torch.onnx.export, opset 13, inputs and outputs named as its metadata says). This script takes its newest
committed version that is one file, the model (or the one given with --from), and writes what an import needs,
under another model name given at import time:

    <outdir>/model.onnx      a copy of the committed artifact
    <outdir>/metadata.json   its metadata without name, version and approval (the import sets them; the version
                             is always pending until a person approves it)

No samples: expected detections must be computed by the notebook's own pipeline on frames, and Debian has no
python3-onnxruntime to run the exported graph here (models/car-detector/train.py checks it with a numpy
evaluator instead), nor does the repository ship a car frame in events/samples/.
"""

import argparse
import hashlib
import json
import os
import re
import shutil

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(SCRIPT_DIR)))
DETECTOR = os.path.join(REPO_ROOT, "models", "car-detector")


def one_file(version):
    """An import carries one file: a version that ships a second network beside its model (1.2.0's box refiner) is
    not one a notebook would export."""
    with open(os.path.join(DETECTOR, version, "metadata.json")) as f:
        return "boxRefiner" not in json.load(f)["output"]


def newest_version():
    versions = [d for d in os.listdir(DETECTOR) if re.fullmatch(r"\d+\.\d+\.\d+", d) and one_file(d)]
    return os.path.join(DETECTOR, max(versions, key=lambda v: tuple(int(p) for p in v.split("."))))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("outdir")
    p.add_argument("--from", dest="source", default=None, help="a version folder of models/car-detector")
    args = p.parse_args()
    source = args.source or newest_version()

    with open(os.path.join(source, "metadata.json")) as f:
        metadata = json.load(f)
    with open(os.path.join(source, metadata["artifact"]["file"]), "rb") as f:
        onnx_bytes = f.read()
    if hashlib.sha256(onnx_bytes).hexdigest() != metadata["artifact"]["sha256"]:
        raise SystemExit("%s: the artifact does not match its metadata's sha256" % source)

    # The import names and numbers the version; its approval is Vigie's to record, never the file's.
    for field in ("name", "version"):
        metadata.pop(field)
    metadata["governance"].pop("approval")
    metadata["description"] = "%s (imported from models/car-detector/%s)" % (
        metadata.get("description", "Car detector").rstrip("."), os.path.basename(os.path.normpath(source)))
    metadata["artifact"]["file"] = "model.onnx"

    os.makedirs(args.outdir, exist_ok=True)
    shutil.copyfile(os.path.join(source, "model.onnx"), os.path.join(args.outdir, "model.onnx"))
    with open(os.path.join(args.outdir, "metadata.json"), "w") as f:
        f.write(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n")
    print("wrote %s/model.onnx (%d bytes, from %s) and metadata.json" % (
        args.outdir, len(onnx_bytes), os.path.relpath(source, REPO_ROOT)))


if __name__ == "__main__":
    main()
