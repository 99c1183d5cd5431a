"""What every Vigie training script needs to turn a trained PyTorch model into a versioned package: a checked ONNX
export, a numpy evaluator that verifies the exported graph independently of ONNX Runtime, and the provenance
(git commit, framework, time) and the writing of metadata.json. Imported by models/<name>/train.py.
"""

import datetime
import json
import os
import random
import subprocess
import sys

import numpy as np
import torch

COMMON_PATH = "models/common/onnx_package.py"


# --------------------------------------------------------------------------- export

def export_onnx(model, example, path, opset, input_names, output_names):
    """Exports `model` (eval mode) with a dynamic batch dimension on every input and output, twice, to check that
    the bytes are reproducible; runs onnx.checker. Returns (bytes, ModelProto)."""
    import onnx

    def export(target):
        torch.onnx.export(model, example, target, opset_version=opset,
                          input_names=input_names, output_names=output_names,
                          dynamic_axes={name: {0: "N"} for name in input_names + output_names},
                          do_constant_folding=True, export_params=True,
                          training=torch.onnx.TrainingMode.EVAL)
        with open(target, "rb") as f:
            return f.read()

    onnx_bytes = export(path)
    again = export(path + ".tmp")
    os.remove(path + ".tmp")
    if again != onnx_bytes:
        print("WARNING: two exports of the same weights differ byte-wise", file=sys.stderr)
    else:
        print("onnx export is byte-identical across two exports")
    proto = onnx.load(path)
    onnx.checker.check_model(proto, full_check=True)
    print("onnx.checker: ok (opset %d, ops %s)" % (
        proto.opset_import[0].version, sorted({n.op_type for n in proto.graph.node})))
    return onnx_bytes, proto


# ------------------------------------------------- minimal numpy ONNX evaluator (verification)

def _conv(x, w, b, pads, strides, dilations, group):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    if group != 1:
        raise NotImplementedError("grouped conv")
    sh, sw = strides
    dh, dw = dilations
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (xp.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (xp.shape[3] - dw * (kw - 1) - 1) // sw + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=np.float32)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = xp[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
    y = np.tensordot(w.reshape(o, c * kh * kw), cols.reshape(n, c * kh * kw, oh * ow), axes=([1], [1]))
    y = y.transpose(1, 0, 2).reshape(n, o, oh, ow)
    if b is not None:
        y = y + b.reshape(1, -1, 1, 1)
    return y


def run_onnx_numpy(model_proto, feeds):
    """Evaluates, in numpy float32, the small op set the Vigie models export to; refuses any other op."""
    import onnx
    from onnx import numpy_helper
    g = model_proto.graph
    env = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    env.update(feeds)
    for node in g.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Conv":
            k = list(ins[1].shape[2:])
            assert list(attrs.get("kernel_shape", k)) == k
            y = _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, list(attrs.get("pads", [0, 0, 0, 0])),
                      list(attrs.get("strides", [1, 1])), list(attrs.get("dilations", [1, 1])), attrs.get("group", 1))
        elif op == "BatchNormalization":
            x, s, bb, m, v = ins
            eps = attrs.get("epsilon", 1e-5)
            sh = (1, -1, 1, 1)
            y = (x - m.reshape(sh)) / np.sqrt(v.reshape(sh) + eps) * s.reshape(sh) + bb.reshape(sh)
        elif op == "Relu":
            y = np.maximum(ins[0], 0)
        elif op == "Add":
            y = ins[0] + ins[1]
        elif op == "Sigmoid":
            y = 1.0 / (1.0 + np.exp(-ins[0]))
        elif op == "Clip":
            lo = ins[1] if len(ins) > 1 and ins[1] is not None else attrs.get("min", -np.inf)
            hi = ins[2] if len(ins) > 2 and ins[2] is not None else attrs.get("max", np.inf)
            y = np.clip(ins[0], lo, hi)
        elif op == "Exp":
            y = np.exp(ins[0])
        elif op == "Constant":
            y = numpy_helper.to_array(attrs["value"])
        elif op == "Resize":
            assert attrs.get("mode", b"nearest") == b"nearest"
            assert attrs.get("coordinate_transformation_mode") == b"asymmetric"
            assert attrs.get("nearest_mode") == b"floor"
            scales = ins[2]
            assert scales is not None and list(scales[:2]) == [1.0, 1.0] and float(scales[2]).is_integer() \
                and float(scales[3]).is_integer()
            y = ins[0].repeat(int(scales[2]), axis=2).repeat(int(scales[3]), axis=3)
        elif op == "MaxPool":
            assert list(attrs["kernel_shape"]) == [2, 2] and list(attrs.get("strides", [2, 2])) == [2, 2]
            assert not any(attrs.get("pads", [0, 0, 0, 0]))
            x = ins[0]
            n, c, h, w = x.shape
            y = x[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
        elif op == "GlobalAveragePool":
            y = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "ReduceMean":
            y = ins[0].mean(axis=tuple(attrs["axes"]), keepdims=bool(attrs.get("keepdims", 1)))
        elif op == "Flatten":
            ax = attrs.get("axis", 1)
            y = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Gemm":
            a, bmat = ins[0], ins[1]
            if attrs.get("transA", 0):
                a = a.T
            if attrs.get("transB", 0):
                bmat = bmat.T
            y = attrs.get("alpha", 1.0) * (a @ bmat)
            if len(ins) > 2 and ins[2] is not None:
                y = y + attrs.get("beta", 1.0) * ins[2]
        elif op == "Identity":
            y = ins[0]
        else:
            raise NotImplementedError("op %s" % op)
        env[node.output[0]] = np.asarray(y).astype(np.float32) if op != "Constant" else y
    return [env[o.name] for o in g.output]


# --------------------------------------------------------------------------- provenance

def git_info(repo_root, code_path):
    """(commit, dirty): HEAD, and whether the training code (the script or this module) differs from it; other
    files of the working tree do not change what the training does."""
    def git(*a):
        return subprocess.run(["git", "-C", repo_root, *a], capture_output=True, text=True)
    head = git("rev-parse", "--verify", "HEAD")
    commit = head.stdout.strip() if head.returncode == 0 and head.stdout.strip() else None
    if commit is None:
        return None, True
    st = git("status", "--porcelain", "--", code_path, COMMON_PATH)
    return commit, bool(st.stdout.strip()) or st.returncode != 0


def seed_everything(seed, threads=None):
    """Python's, numpy's and torch's generators from one seed, and deterministic kernels; `threads` CPU threads
    when given (another count can change the order of float sums, hence the weights)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if threads is not None:
        torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def training_provenance(repo_root, code_path, seed):
    """The `training` fields of metadata.json that say which code made the package: path, commit (and whether the
    tree differed from it), framework and seed."""
    commit, dirty = git_info(repo_root, code_path)
    return {"code": code_path, "codeCommit": commit, "codeDirty": dirty,
            "framework": torch_framework_string(), "seed": seed}


def torch_framework_string():
    try:
        v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-torch"],
                           capture_output=True, text=True).stdout.strip()
        if v:
            return "PyTorch %s (Debian python3-torch)" % v.split("+")[0]
    except OSError:
        pass
    return "PyTorch %s" % torch.__version__


def utc_timestamp():
    """Now, in UTC to the second, as metadata.json's trainedAt (ISO 8601 with Z)."""
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_metadata(out_dir, meta, onnx_path, onnx_bytes, onnx_sha, repo_root, train_seconds, duration):
    """Writes metadata.json beside the exported artifact and says what the run produced."""
    with open(os.path.join(out_dir, "metadata.json"), "w") as f:
        f.write(json.dumps(meta, indent=2) + "\n")
    print("wrote %s (%d bytes, sha256 %s) and metadata.json" % (os.path.relpath(onnx_path, repo_root),
                                                                 len(onnx_bytes), onnx_sha))
    print("training %.1fs, total %.1fs" % (train_seconds, duration))
