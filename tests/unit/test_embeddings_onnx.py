"""The embedding model on ONNX Runtime gives the PyTorch model's vectors, in the callers' order.

The model is exported here from the packaged weights exactly as `make bootstrap` does (offline),
then compared text by text with sentence-transformers on PyTorch, the fallback.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.fakes.commerce import configured
from vibecoder.domain.search import embeddings, onnx_model

TEXTS = [
    "csv",
    "Resize images in bulk and convert them to webp. " * 6,
    "A Discord bot that posts the daily standup summary from git commits.",
    "markdown table formatter",
    "Rate limiter middleware for FastAPI backed by Redis, sliding window, per-user quotas. " * 3,
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    return onnx_model.export(tmp_path_factory.mktemp("onnx"))


def _torch_vectors() -> np.ndarray:
    with configured(VIBECODER_EMBEDDING_BACKEND="torch"):
        embeddings.reset()
        try:
            return np.array(embeddings.encode(TEXTS))
        finally:
            embeddings.reset()


def test_onnx_vectors_match_pytorch_in_order(exported):
    reference = _torch_vectors()
    for name, floor in ((onnx_model.FP32_NAME, 0.9999), (onnx_model.INT8_NAME, 0.98)):
        encoder = onnx_model.OnnxEncoder(exported / name, threads=1)
        # batch 2: texts of very different lengths are sorted into batches and put back.
        vectors = encoder.encode(TEXTS, batch_size=2)
        cosine = (vectors * reference).sum(axis=1)
        assert cosine.min() >= floor, (name, cosine)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_the_setting_chooses_the_runtime_and_a_missing_export_is_a_clear_error(exported, tmp_path):
    with configured(
        VIBECODER_EMBEDDING_BACKEND="onnx",
        VIBECODER_EMBEDDING_ONNX_DIR=str(exported),
        VIBECODER_EMBEDDING_ONNX_INT8="true",
    ):
        embeddings.reset()
        [vector] = embeddings.encode(["csv"])
        assert isinstance(embeddings._model, onnx_model.OnnxEncoder) and len(vector) == 384
    with configured(VIBECODER_EMBEDDING_BACKEND="onnx", VIBECODER_EMBEDDING_ONNX_DIR=str(tmp_path)):
        embeddings.reset()
        with pytest.raises(RuntimeError, match="make bootstrap"):
            embeddings.encode(["csv"])
    with configured(VIBECODER_EMBEDDING_BACKEND="auto", VIBECODER_EMBEDDING_ONNX_DIR=str(tmp_path)):
        embeddings.reset()
        embeddings.encode(["csv"])  # nothing exported there: the PyTorch fallback
        assert not isinstance(embeddings._model, onnx_model.OnnxEncoder)
    embeddings.reset()
