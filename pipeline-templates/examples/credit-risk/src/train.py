"""Pipeline step `train`: fit a gradient-boosted classifier and save it as an MLflow model."""
import argparse
import csv
import os

import mlflow
import mlflow.sklearn
from sklearn.ensemble import GradientBoostingClassifier

from features import FEATURES, LABEL, to_matrix


def read(folder):
    with open(os.path.join(folder, "data.csv"), newline="") as f:
        rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    return to_matrix(rows), [int(r[LABEL]) for r in rows]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--train", required=True)
    p.add_argument("--learning-rate", type=float, default=0.1)
    p.add_argument("--n-estimators", type=int, default=200)
    p.add_argument("--model", required=True)
    a = p.parse_args()

    x, y = read(a.train)
    model = GradientBoostingClassifier(learning_rate=a.learning_rate, n_estimators=a.n_estimators, random_state=0)
    model.fit(x, y)
    mlflow.log_params({"learning_rate": a.learning_rate, "n_estimators": a.n_estimators, "features": len(FEATURES)})
    mlflow.log_metric("train_accuracy", model.score(x, y))
    # The pipeline output `model` is an mlflow_model: write the MLflow model folder into it.
    mlflow.sklearn.save_model(model, a.model)


if __name__ == "__main__":
    main()
