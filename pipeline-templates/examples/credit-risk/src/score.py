"""Scoring script for the online endpoint (azureml-inference-server-http calls init() then run())."""
import json
import os
import sys

import mlflow.sklearn

# The package uploads src/ as the scoring code, so features.py sits next to this file.
sys.path.insert(0, os.path.dirname(__file__))
from features import FEATURES, add_features, to_matrix  # noqa: E402

model = None


def init():
    global model
    # AZUREML_MODEL_DIR points at the registered model version the deployment pins.
    root = os.environ["AZUREML_MODEL_DIR"]
    folder = next((os.path.join(root, d) for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "MLmodel"))), root)
    model = mlflow.sklearn.load_model(folder)


def run(raw_data):
    """{"input_data": {"columns": [...], "data": [[...], ...]}} → {"predictions": [...], "probabilities": [...]}"""
    body = json.loads(raw_data)["input_data"]
    rows = [add_features(dict(zip(body["columns"], values))) for values in body["data"]]
    x = to_matrix(rows)
    return {
        "predictions": [int(p) for p in model.predict(x)],
        "probabilities": [round(float(p[1]), 4) for p in model.predict_proba(x)],
        "features": FEATURES,
    }
