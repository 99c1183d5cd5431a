"""Reference scores for docs/automl.md: scikit-learn (Debian python3-sklearn) with default settings on the same
held-out split as Vigie AutoML (written by scripts/automl/vega-tables.ts): the best of a linear model, a random
forest and gradient boosting, trained on the same rows and feature columns.

    /usr/bin/python3 scripts/automl/compare_sklearn.py /tmp/vigie-automl
"""
import csv
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/vigie-automl")
for split_file in sorted(out.glob("*.split.json")):
    name = split_file.name.removesuffix(".split.json")
    split = json.loads(split_file.read_text())
    with open(out / f"{name}.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # The trainer drops rows without a target (and classes under 5 rows): the same here, in file order.
    rows = [r for r in rows if r[split["target"]].strip() != ""]
    if split["task"] == "classification":
        counts = {}
        for r in rows:
            counts[r[split["target"]]] = counts.get(r[split["target"]], 0) + 1
        rows = [r for r in rows if counts[r[split["target"]]] >= 5]
    assert len(rows) == len(split["heldOut"]), (name, len(rows), len(split["heldOut"]))
    numeric = [f["name"] for f in split["features"] if f["type"] != "category"]
    categorical = [f["name"] for f in split["features"] if f["type"] == "category"]
    X = [[float(r[c]) if r[c].strip() != "" else np.nan for c in numeric] + [r[c] or None for c in categorical] for r in rows]
    X = np.array(X, dtype=object)
    y = [r[split["target"]] for r in rows]
    held = np.array(split["heldOut"])
    prep = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), list(range(len(numeric)))),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")),
         list(range(len(numeric), len(numeric) + len(categorical)))),
    ])
    if split["task"] == "classification":
        models = {"logistic-regression": LogisticRegression(max_iter=1000), "random-forest": RandomForestClassifier(random_state=0),
                  "gradient-boosting": GradientBoostingClassifier(random_state=0)}
        metric, measure = "accuracy", accuracy_score
    else:
        y = [float(v) for v in y]
        models = {"ridge": Ridge(), "random-forest": RandomForestRegressor(random_state=0),
                  "gradient-boosting": GradientBoostingRegressor(random_state=0)}
        metric, measure = "r2", r2_score
    y = np.array(y, dtype=object if split["task"] == "classification" else float)
    scores = {}
    for label, model in models.items():
        pipe = make_pipeline(prep, model).fit(X[~held], y[~held])
        scores[label] = round(float(measure(y[held], pipe.predict(X[held]))), 4)
    best = max(scores, key=scores.get)
    print(json.dumps({"table": name, "metric": metric, "heldOutRows": int(held.sum()), "scores": scores, "best": best, "bestScore": scores[best]}))
