"""The sentence encoder: a small MiniLM (int8 ONNX, shipped in ``mscare/ask/model``) run by onnxruntime.

Loaded once per process on first use (about 0.1 s); one short question costs a few milliseconds on one thread.
Vectors are mean-pooled over the tokens and unit length, so a dot product is a cosine.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import onnxruntime as ort
from threadpoolctl import threadpool_limits
from tokenizers import Tokenizer

MAX_TOKENS = 128  # questions are at most 1,000 characters; the model was trained on 128-token inputs
BATCH = 64
MODEL_FILE = "minilm-l6-int8.onnx"


def model_dir() -> Path:
    return Path(str(resources.files("mscare.ask") / "model"))


class Encoder:
    def __init__(self, folder: Path) -> None:
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()  # the file pads to 128; batches are padded here to their longest text
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / MODEL_FILE), options,
                                            providers=["CPUExecutionProvider"])
        self.lock = threading.Lock()  # the tokenizer's truncation state is shared

    @lru_cache(maxsize=256)  # noqa: B019 - one encoder per process; a question is read by triage and by declines
    def embed_one(self, text: str) -> np.ndarray:
        """One text's unit vector, kept for the next caller (read-only)."""
        vector = self.embed([text])[0]
        vector.flags.writeable = False
        return vector

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector (float32, 384 values) per text."""
        out = [self._batch(texts[i:i + BATCH]) for i in range(0, len(texts), BATCH)]
        return np.vstack(out) if out else np.zeros((0, 384), dtype=np.float32)

    def _batch(self, texts: list[str]) -> np.ndarray:
        with self.lock:
            encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                         "token_type_ids": np.zeros_like(ids)})[0]
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)


@lru_cache(maxsize=1)
def default_encoder() -> Encoder:
    """The process's encoder. numpy's BLAS is kept to one thread: comparing one question with a bank is a small
    product that threads only slow down, and a server already answers on as many threads as it has cores."""
    threadpool_limits(limits=1, user_api="blas")
    return Encoder(model_dir())
