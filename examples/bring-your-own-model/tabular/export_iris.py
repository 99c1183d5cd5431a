#!/usr/bin/python3
"""Bring your own model, tabular example: a scikit-learn pipeline exported to ONNX by hand, for `vigie models import`.

Usage (from the repository root, or anywhere: paths are the script's own):

    /usr/bin/python3 examples/bring-your-own-model/tabular/export_iris.py <outdir>

What a notebook user would do: fit Pipeline(StandardScaler, LogisticRegression) on scikit-learn's bundled Iris
table with a held-out split, then write the same arithmetic as an ONNX graph with onnx.helper (skl2onnx is not
packaged by Debian, and four operators do not need it):

    features [N, 4] -> Sub(mean) -> Div(scale) -> MatMul(coef^T) -> Add(intercept) -> logits [N, 3]

The graph stops at the logits; the metadata says `activation: softmax`, so Vigie applies the softmax, exactly as
LogisticRegression.predict_proba does for a multinomial model.

Writes:
    <outdir>/model.onnx
    <outdir>/metadata.json          the import metadata (no name or version: `vigie models import` gives them)
    <outdir>/samples/samples.json   5 held-out rows with the pipeline's own predict_proba as the expected answer

Needs only Debian's python3-sklearn, python3-onnx and python3-numpy. Deterministic: the same files every run
(but for training.trainedAt and durationSeconds).
"""

import datetime
import hashlib
import json
import os
import subprocess
import sys
import time

import numpy as np
import onnx
import sklearn
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

SEED = 42
HELD_OUT_FRACTION = 0.2
OPSET = 13
# Vigie's feature names (FEATURE_NAME in functions/serving/tabular/spec.ts): the JSON field and CSV column names.
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
SAMPLES = 5
SCRIPT = os.path.abspath(__file__)
CODE_PATH = "examples/bring-your-own-model/tabular/export_iris.py"


def data_sha256(bunch):
    """SHA-256 of the CSV file load_iris read (it ships inside python3-sklearn)."""
    import importlib.resources
    path = importlib.resources.files(bunch.data_module) / bunch.filename
    return hashlib.sha256(path.read_bytes()).hexdigest(), "%s/%s" % (bunch.data_module, bunch.filename)


def debian_version(package, fallback):
    """The Debian package's version (without its +dfsg suffix), as the platform's own models name theirs."""
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


def pipeline_to_onnx(pipe):
    """The fitted pipeline's arithmetic as an ONNX graph: standardise, then the linear layer's logits."""
    scaler, clf = pipe.named_steps["scaler"], pipe.named_steps["clf"]
    f32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    initializers = [
        numpy_helper.from_array(f32(scaler.mean_), "scaler_mean"),
        numpy_helper.from_array(f32(scaler.scale_), "scaler_scale"),
        numpy_helper.from_array(f32(clf.coef_.T), "coef_t"),
        numpy_helper.from_array(f32(clf.intercept_), "intercept"),
    ]
    nodes = [
        helper.make_node("Sub", ["features", "scaler_mean"], ["centred"]),
        helper.make_node("Div", ["centred", "scaler_scale"], ["standardised"]),
        helper.make_node("MatMul", ["standardised", "coef_t"], ["scores"]),
        helper.make_node("Add", ["scores", "intercept"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes, "iris_logistic_regression",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", len(FEATURES)])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", len(clf.classes_)])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="vigie-example-export_iris", producer_version="1")
    # IR version 8 is what onnx 1.12 (Debian) writes; ONNX Runtime reads it.
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def run_graph_numpy(model, x):
    """The graph evaluated with numpy from its own stored weights (no onnxruntime in Debian's Python): checks that
    the file holds what the pipeline computes."""
    w = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    x = x.astype(np.float32)
    return ((x - w["scaler_mean"]) / w["scaler_scale"]) @ w["coef_t"] + w["intercept"]


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def classification_metrics(y_true, y_pred, proba, labels):
    counts = confusion_matrix(y_true, y_pred, labels=range(len(labels)))
    precision = {label: round(float(counts[c, c] / counts[:, c].sum()) if counts[:, c].sum() else 0.0, 4)
                 for c, label in enumerate(labels)}
    recall = {label: round(float(counts[c, c] / counts[c].sum()) if counts[c].sum() else 0.0, 4)
              for c, label in enumerate(labels)}
    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "logLoss": round(float(log_loss(y_true, proba, labels=range(len(labels)))), 4),
        "samples": int(len(y_true)),
        "precision": precision,
        "recall": recall,
        "confusionMatrix": {"labels": labels, "rowsAreTrue": True, "counts": counts.tolist()},
    }


def main():
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        raise SystemExit("usage: export_iris.py <outdir>")
    out_dir = sys.argv[1]
    started = time.time()

    iris = load_iris()
    x, y = iris.data, iris.target
    labels = [str(name) for name in iris.target_names]
    sha, data_file = data_sha256(iris)
    idx = np.arange(len(y))
    x_tr, x_ho, y_tr, y_ho, _, idx_ho = train_test_split(
        x, y, idx, test_size=HELD_OUT_FRACTION, stratify=y, random_state=SEED)
    print("data: %d rows (%s, sha256 %s); train %d, held-out %d" % (len(y), data_file, sha, len(y_tr), len(y_ho)))

    pipe = Pipeline([("scaler", StandardScaler()),
                     ("clf", LogisticRegression(C=1.0, max_iter=1000, random_state=SEED))])
    pipe.fit(x_tr, y_tr)
    proba_ho = pipe.predict_proba(x_ho)
    held_out = classification_metrics(y_ho, proba_ho.argmax(axis=1), proba_ho, labels)
    train_acc = round(float(accuracy_score(y_tr, pipe.predict(x_tr))), 4)
    print("held-out accuracy %.4f (%d rows), log loss %.4f; train accuracy %.4f" % (
        held_out["accuracy"], held_out["samples"], held_out["logLoss"], train_acc))

    model = pipeline_to_onnx(pipe)
    diff = float(np.abs(softmax(run_graph_numpy(model, x_ho)) - proba_ho).max())
    print("onnx graph (numpy) vs pipeline.predict_proba: max |diff| %.2e" % diff)
    if diff > 1e-5:
        raise SystemExit("the ONNX graph does not compute what the pipeline does")

    os.makedirs(os.path.join(out_dir, "samples"), exist_ok=True)
    onnx_bytes = model.SerializeToString()
    with open(os.path.join(out_dir, "model.onnx"), "wb") as f:
        f.write(onnx_bytes)

    commit, dirty = git_provenance()
    x_min, x_max = x_tr.min(axis=0), x_tr.max(axis=0)
    scaler, clf = pipe.named_steps["scaler"], pipe.named_steps["clf"]
    metadata = {
        # No "name" nor "version": the import takes them from the command line (--name, --version).
        "task": "tabular-classification",
        "description": "Iris species (setosa, versicolor, virginica) from four flower measurements in cm: "
                       "a scikit-learn StandardScaler + LogisticRegression pipeline.",
        "artifact": {"file": "model.onnx", "sha256": hashlib.sha256(onnx_bytes).hexdigest(), "bytes": len(onnx_bytes)},
        "input": {
            "kind": "tabular",
            "tensorName": "features",
            "dtype": "float32",
            "features": [
                {"name": name, "type": "number", "unit": "cm", "required": True,
                 "range": {"min": float(x_min[i]), "max": float(x_max[i])}}
                for i, name in enumerate(FEATURES)
            ],
        },
        "output": {"kind": "classification", "tensorName": "logits", "activation": "softmax", "labels": labels},
        "training": {
            "code": CODE_PATH,
            "codeCommit": commit,
            "codeDirty": dirty,
            "framework": "scikit-learn %s" % debian_version("python3-sklearn", sklearn.__version__),
            "seed": SEED,
            "data": {
                "source": "scikit-learn load_iris(): %s, Fisher's Iris data (150 rows, 50 per species)" % data_file,
                "license": "the Iris data: CC BY 4.0 at the UCI Machine Learning Repository (public domain in "
                           "origin, Fisher 1936); scikit-learn, which ships it: BSD-3-Clause",
                "sha256": sha,
                "split": {
                    "method": "sklearn.model_selection.train_test_split",
                    "testSize": HELD_OUT_FRACTION,
                    "stratify": "species",
                    "randomState": SEED,
                    "trainCount": int(len(y_tr)),
                    "heldOutCount": int(len(y_ho)),
                    "heldOutRows": sorted(int(i) for i in idx_ho),
                },
            },
            "parameters": {
                "pipeline": "StandardScaler | LogisticRegression (multinomial, lbfgs)",
                "C": clf.C,
                "maxIter": clf.max_iter,
                "iterations": int(clf.n_iter_[0]),
                "standardisation": {"mean": [round(float(v), 6) for v in scaler.mean_],
                                    "scale": [round(float(v), 6) for v in scaler.scale_]},
                "onnx": "written with onnx.helper: Sub, Div, MatMul, Add (opset %d); softmax left to Vigie" % OPSET,
            },
            "durationSeconds": round(time.time() - started, 2),
            "trainedAt": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
                                         .isoformat().replace("+00:00", "Z"),
        },
        "metrics": {
            "heldOut": {"measuredBy": CODE_PATH, **held_out},
            "train": {"measuredBy": CODE_PATH, "accuracy": train_acc, "samples": int(len(y_tr))},
        },
        "governance": {
            # No "approval": an imported version is always pending until a person approves it in Vigie.
            "owner": {"name": "Example data-science team", "contact": "data-science@example.com"},
            "intendedUse": {
                "primaryUses": ["Showing how a scikit-learn pipeline is brought to Vigie: exported to ONNX, "
                                "imported, validated, approved and served"],
                "primaryUsers": ["Data scientists learning to import their own model into Vigie"],
                "outOfScope": ["Iris species other than these three, or other plants: every row gets one of the "
                               "three labels", "Measurements in units other than cm", "Any decision about a person"],
            },
            "personalData": {"processesPersonalData": False, "categories": [], "dpiaReference": None},
            "evaluationData": {
                "heldOut": "%d rows of load_iris never used in fitting: train_test_split(test_size=%s, stratified "
                           "by species, random_state=%d); their indices are in training.data.split.heldOutRows"
                           % (len(y_ho), HELD_OUT_FRACTION, SEED),
                "train": "the %d fitting rows themselves (a fit check, not a generalisation figure)" % len(y_tr),
            },
            "factors": [
                "Measurement precision: the data holds values to 0.1 cm",
                "Values outside the training range of a feature (answered with a warning): the model extrapolates",
                "Population: 150 flowers measured by Anderson (1935) in the Gaspé peninsula, published by Fisher",
            ],
            "limitations": [
                "%d held-out rows: one error moves accuracy by %.1f points" % (len(y_ho), 100 / len(y_ho)),
                "Versicolor and virginica overlap in these measurements: most errors are between them",
                "Any four numbers get a label; out-of-range warnings are the only sign of an unfamiliar input",
            ],
            "ethicalConsiderations": [{
                "risk": "A confident label on a flower of another species or on mis-measured values",
                "mitigation": "Answers carry the probabilities, and warnings for values outside the training range",
            }],
            "licence": {
                "model": "Example model, CC0 1.0 (no rights reserved)",
                "data": "Iris data: CC BY 4.0 (UCI Machine Learning Repository); as shipped by scikit-learn "
                        "(BSD-3-Clause)",
            },
        },
    }
    with open(os.path.join(out_dir, "metadata.json"), "w") as f:
        f.write(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n")

    # Samples: the first held-out rows, answered by the pipeline itself (not by the ONNX graph): what Vigie must
    # reproduce through its own feature reading, its session and its softmax.
    samples = []
    for row, proba in zip(x_ho[:SAMPLES], proba_ho[:SAMPLES]):
        samples.append({
            "features": {name: float(v) for name, v in zip(FEATURES, row)},
            "expected": {"label": labels[int(proba.argmax())],
                         "probabilities": {label: round(float(p), 6) for label, p in zip(labels, proba)}},
        })
    with open(os.path.join(out_dir, "samples", "samples.json"), "w") as f:
        f.write(json.dumps({"tolerance": 0.01, "samples": samples}, indent=2) + "\n")
    print("wrote %s/model.onnx (%d bytes), metadata.json, samples/samples.json (%d rows)" % (
        out_dir, len(onnx_bytes), len(samples)))


if __name__ == "__main__":
    main()
