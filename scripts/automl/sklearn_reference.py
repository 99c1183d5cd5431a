"""The scikit-learn reference of the AutoML benchmark (issue #26; Debian's python3-sklearn, default settings):
a linear model (logistic or ridge regression) with scaling, a random forest and a histogram gradient boosting,
each in a pipeline with imputation (median for numbers, most frequent for categories) and one-hot encoding,
trained on the rows Vigie trained on and scored on the rows Vigie held out (written by
scripts/evaluation/automl-benchmark.ts). A column is numeric when every non-empty cell reads as a number (a
decimal comma too); the table's `exclude` columns (row labels) are left out. Prints one JSON line per table and
keeps it as <table>.sklearn.json with the SHA-256 of the two files it read (a rerun on the same files reuses it).
When the split also gives `cvFold` (each training row's fold in Vigie's cross-validation, -1 for a held-out row:
scripts/automl/time-10k.ts --sklearn), each model is also cross-validated on those very folds (`cvScores`), the
figure Vigie's leaderboard reports.

    /usr/bin/python3 scripts/automl/sklearn_reference.py <dir> <table>...
"""
import csv
import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier,
                              RandomForestRegressor)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")


def number(cell):
    try:
        return float(cell)
    except ValueError:
        return float(cell.replace(",", ".")) if DECIMAL_COMMA.match(cell) else None


def reference(folder, name):
    split = json.loads((folder / f"{name}.split.json").read_text())
    with open(folder / f"{name}.reference.csv", newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    target = header.index(split["target"])
    columns = [j for j, c in enumerate(header) if j != target and c not in split["exclude"]]
    numeric = [j for j in columns if all(r[j] == "" or number(r[j]) is not None for r in rows)]
    categorical = [j for j in columns if j not in numeric]
    X = np.array([[number(r[j]) if r[j] != "" else np.nan for j in numeric] + [r[j] or np.nan for j in categorical]
                  for r in rows], dtype=object)
    held = np.array(split["heldOut"])
    prep = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), list(range(len(numeric)))),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")),
         list(range(len(numeric), len(columns)))),
    ], sparse_threshold=0)
    if split["task"] == "classification":
        y = np.array([r[target] for r in rows], dtype=object)
        models = {"logistic-regression": LogisticRegression(max_iter=1000),
                  "random-forest": RandomForestClassifier(random_state=0, n_jobs=1),
                  "hist-gradient-boosting": HistGradientBoostingClassifier(random_state=0)}
        measure = accuracy_score
    else:
        y = np.array([number(r[target]) for r in rows], dtype=float)
        models = {"ridge-regression": Ridge(), "random-forest": RandomForestRegressor(random_state=0, n_jobs=1),
                  "hist-gradient-boosting": HistGradientBoostingRegressor(random_state=0)}
        measure = r2_score
    scores = {}
    cv_scores = {}
    for label, model in models.items():
        pipe = make_pipeline(prep, model).fit(X[~held], y[~held])
        scores[label] = round(float(measure(y[held], pipe.predict(X[held]))), 4)
        if "cvFold" in split:
            cv_scores[label] = cross_validated(make_pipeline(prep, model), X[~held], y[~held],
                                               np.array(split["cvFold"])[~held], measure)
    best = max(scores, key=scores.get)
    return {"table": name, "inputSha256": inputs_sha256(folder, name), "heldOutRows": int(held.sum()), "scores": scores,
            "best": best, "bestScore": scores[best], **({"cvScores": cv_scores} if cv_scores else {})}


def cross_validated(pipe, X, y, folds, measure):
    """The mean score over the given folds, each scored by a fit on the others (scikit-learn's PredefinedSplit)."""
    scores = [measure(y[folds == k], clone(pipe).fit(X[folds != k], y[folds != k]).predict(X[folds == k]))
              for k in np.unique(folds)]
    return round(float(np.mean(scores)), 4)


def inputs_sha256(folder, name):
    digest = hashlib.sha256()
    for suffix in ("split.json", "reference.csv"):
        digest.update((folder / f"{name}.{suffix}").read_bytes())
    return digest.hexdigest()


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    for table in sys.argv[2:]:
        result = json.dumps(reference(folder, table))
        (folder / f"{table}.sklearn.json").write_text(result)
        print(result, flush=True)
