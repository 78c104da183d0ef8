"""Where embedding throughput goes: tokenizer, ONNX Runtime's `run`, the rest (issue 16).

The 512 seed-listing documents of `BENCH_SEARCH_MODEL_ONLY=1 python -m bench.search`, in
length-sorted batches of 32 on 2 threads, for the fp32 and int8 exports, each with the model's
256-token cut and with a 128-token cut (which would change the vectors: shown for what it
would buy, not used). Needs `make bootstrap`'s `.tools/embeddings`.
`python -m bench.profile_embeddings`.
"""

from __future__ import annotations

import time

import numpy as np

from bench.common import print_table, write_result
from bench.search import seed_documents
from vibecoder.domain.search import onnx_model
from vibecoder.settings import PROJECT_ROOT

BATCH = 32


def _profile(model_file, texts: list[str], max_tokens: int) -> dict:
    encoder = onnx_model.OnnxEncoder(model_file, threads=2)
    encoder.tokenizer.enable_truncation(max_tokens)
    encoder.encode(texts[:BATCH])  # warm-up
    started = time.perf_counter()
    encoded = encoder.tokenizer.encode_batch(texts)
    tokenizer = time.perf_counter() - started
    lengths = [len(e.ids) for e in encoded]
    order = sorted(range(len(texts)), key=lambda i: lengths[i])
    run = 0.0
    for start in range(0, len(order), BATCH):
        batch = order[start : start + BATCH]
        ids = np.zeros((len(batch), max(lengths[i] for i in batch)), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, i in enumerate(batch):
            ids[row, : lengths[i]] = encoded[i].ids
            mask[row, : lengths[i]] = 1
        began = time.perf_counter()
        encoder.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        run += time.perf_counter() - began
    total = time.perf_counter() - started
    return {
        "documents_per_second": round(len(texts) / total, 1),
        "tokenizer_pct": round(tokenizer / total * 100, 1),
        "ort_run_pct": round(run / total * 100, 1),
        "rest_pct": round((total - tokenizer - run) / total * 100, 1),
        "mean_tokens": round(float(np.mean(lengths))),
        "cut_pct": round(sum(n >= max_tokens for n in lengths) / len(lengths) * 100),
    }


def main() -> None:
    root = PROJECT_ROOT / ".tools" / "embeddings"
    texts = seed_documents()
    results = {}
    for name, file in (("fp32", "model.onnx"), ("int8", "model_int8.onnx")):
        for max_tokens in (256, 128):
            results[f"{name} max_tokens={max_tokens}"] = _profile(root / file, texts, max_tokens)
    path = write_result("profile_embeddings", results)
    print_table(
        "Embedding throughput, where the time goes (512 seed documents, batch 32, 2 threads)",
        [
            (
                name,
                f"{r['documents_per_second']} docs/s  tokenizer {r['tokenizer_pct']}%  "
                f"ORT run {r['ort_run_pct']}%  rest {r['rest_pct']}%  "
                f"mean tokens {r['mean_tokens']} (cut {r['cut_pct']}%)",
            )
            for name, r in results.items()
        ],
    )
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
