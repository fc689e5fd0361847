"""Pipeline step `evaluate`: score the holdout set and log the metrics the release gate compares.

AzureMLCompareModels@1 reads these from this step's MLflow run (`stepName: evaluate`), and
AzureMLRegisterModel@1 stores them on the model version as `metric.*` tags.
"""
import argparse

import mlflow
import mlflow.sklearn
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

from train import read


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--test", required=True)
    a = p.parse_args()

    model = mlflow.sklearn.load_model(a.model)
    x, y = read(a.test)
    predicted = model.predict(x)
    mlflow.log_metric("accuracy", accuracy_score(y, predicted))
    mlflow.log_metric("f1", f1_score(y, predicted))
    mlflow.log_metric("auc", roc_auc_score(y, model.predict_proba(x)[:, 1]))


if __name__ == "__main__":
    main()
